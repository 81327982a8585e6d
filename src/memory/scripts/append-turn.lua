-- Appends one turn atomically, refreshes the sliding TTL of every key of the session, enforces
-- the hard cap and frees the user's lease.
-- KEYS[1] meta, KEYS[2] messages, KEYS[3] user's session index, KEYS[4] user generation hash,
-- KEYS[5] user lease
-- ARGV[1] expected session generation (-1: unknown, the turn was answered without memory),
-- ARGV[2] expected user generation, ARGV[3] TTL seconds (0 = none), ARGV[4] session ID,
-- ARGV[5] max tokens, ARGV[6] max messages, ARGV[7] when the turn was answered (ms),
-- ARGV[8] lease owner ('' = none), ARGV[9..] pairs of (token count, stored-message JSON)
-- Returns { 1 written | 0 stale, total tokens, message count, dropped by the cap }
local meta, msgs, index, userGen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ttl = tonumber(ARGV[3])
if ARGV[8] ~= '' and redis.call('GET', KEYS[5]) == ARGV[8] then redis.call('DEL', KEYS[5]) end

-- A forget since the caller loaded the session wins: its turn is not written back. Absent values
-- mean nothing was forgotten recently (or the session expired): write. A turn answered while
-- memory could not be read has no generations: then a forget after it was answered wins (by
-- time; the app's and Redis's clocks are assumed roughly in step).
local gen = redis.call('HGET', meta, 'gen')
if tonumber(ARGV[1]) >= 0 then
  if gen and tonumber(gen) ~= tonumber(ARGV[1]) then return { 0, 0, 0, 0 } end
  local ugen = redis.call('HGET', userGen, 'gen')
  if ugen and tonumber(ugen) ~= tonumber(ARGV[2]) then return { 0, 0, 0, 0 } end
else
  local answeredAt = tonumber(ARGV[7])
  if tonumber(redis.call('HGET', meta, 'forgottenAt') or '0') > answeredAt
    or tonumber(redis.call('HGET', userGen, 'at') or '0') > answeredAt then
    return { 0, 0, 0, 0 }
  end
end
if not gen then redis.call('HSET', meta, 'gen', math.max(tonumber(ARGV[1]), 0)) end

local added, count = 0, 0
for i = 9, #ARGV, 2 do
  local tokens = tonumber(ARGV[i])
  local id = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('RPUSH', msgs, '{"id":' .. id .. ',"t":' .. tokens .. ',"m":' .. ARGV[i + 1] .. '}')
  added = added + tokens
  count = count + 1
end
local total = redis.call('HINCRBY', meta, 'tokens', added)
local length = redis.call('LLEN', msgs)

-- Hard cap: drop the oldest messages, never the ones just written, and whole turns: after a
-- drop the list starts on a human message again.
local maxTokens, maxMessages = tonumber(ARGV[5]), tonumber(ARGV[6])
local dropped = 0
local function headIsHuman()
  return string.find(redis.call('LINDEX', msgs, 0), ',"m":{"type":"human"', 1, true) ~= nil
end
while length > count and (total > maxTokens or length > maxMessages or (dropped > 0 and not headIsHuman())) do
  local entry = redis.call('LPOP', msgs)
  total = total - tonumber(string.match(entry, '^{"id":%d+,"t":(%d+),'))
  length = length - 1
  dropped = dropped + 1
end
if dropped > 0 then
  redis.call('HSET', meta, 'tokens', total)
  redis.call('HINCRBY', meta, 'dropped', dropped)
end

-- The user's index of sessions, scored by expiry time, for forgetting all of them.
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', index, '-inf', nowMs)
if ttl > 0 then
  redis.call('ZADD', index, nowMs + ttl * 1000, ARGV[4])
  redis.call('EXPIRE', meta, ttl)
  redis.call('EXPIRE', msgs, ttl)
  -- Every session's expiry is at most now + ttl, so this is the index's latest expiry too.
  redis.call('EXPIRE', index, ttl)
else
  redis.call('ZADD', index, '+inf', ARGV[4])
  redis.call('PERSIST', meta)
  redis.call('PERSIST', msgs)
  redis.call('PERSIST', index)
end
return { 1, total, length, dropped }
