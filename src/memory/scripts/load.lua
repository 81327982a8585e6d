-- Everything one turn needs, in one round trip.
-- KEYS[1] session meta hash, KEYS[2] session message list, KEYS[3] user generation
-- Returns { meta as flat field/value list, messages, user generation or nil }
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('LRANGE', KEYS[2], 0, -1),
  redis.call('GET', KEYS[3]),
}
