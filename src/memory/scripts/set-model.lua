-- Sets or removes the model a person picked in one session; the choices live as long as the
-- person's facts (the sliding TTL every turn refreshes).
-- KEYS[1] the person's model choices hash
-- ARGV[1] session ID, ARGV[2] model name ('' = remove), ARGV[3] TTL seconds (0 = none)
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
else
  redis.call('PERSIST', KEYS[1])
end
return 1
