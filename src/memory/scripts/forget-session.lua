-- Removes one session's memory and the facts learned in it, and leaves a mark with the next
-- generation, so a reply (or a fact extraction) in flight for it is not written back.
-- KEYS[1] meta, KEYS[2] messages, KEYS[3] user's session index, KEYS[4] the person's facts hash,
-- KEYS[5] the person's model choices hash (this session's goes)
-- ARGV[1] session ID, ARGV[2] lifetime of the mark in seconds
local gen = tonumber(redis.call('HGET', KEYS[1], 'gen') or '0') + 1
redis.call('DEL', KEYS[1], KEYS[2])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
-- The time too: a turn answered before it, but written later (after an outage), stays out.
redis.call('HSET', KEYS[1], 'gen', gen, 'forgottenAt', nowMs)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
for _, json in ipairs(redis.call('HVALS', KEYS[4])) do
  local fact = cjson.decode(json)
  if fact.s == ARGV[1] then redis.call('HDEL', KEYS[4], fact.id) end
end
