-- Removes every session and every fact of one user and bumps the user's generation, so no reply
-- in flight for any of them (even a first turn, not yet indexed) is written back. The person's
-- prefs (fact learning off) and usage counters (accounting: a budget cannot be reset) stay.
-- KEYS[1] user's session index, KEYS[2] user generation hash (gen, at = when, in ms),
-- KEYS[3] the person's facts hash, KEYS[4] the person's model choices hash
-- ARGV[1] key base of the user (the session keys share its hash tag, hence its slot),
-- ARGV[2] lifetime of the generation mark in seconds
-- Returns the number of sessions that had not expired
local base = ARGV[1]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local live = redis.call('ZCOUNT', KEYS[1], nowMs, '+inf')
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', base .. ':s:' .. id .. ':meta', base .. ':s:' .. id .. ':msgs')
end
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('HINCRBY', KEYS[2], 'gen', 1)
redis.call('HSET', KEYS[2], 'at', nowMs)
redis.call('EXPIRE', KEYS[2], ARGV[2])
return live
