-- Appends one turn atomically, unless this turn ID was already written; refreshes the sliding TTL
-- of every key of the session, enforces the hard cap and frees the user's lease.
-- KEYS[1] meta, KEYS[2] messages, KEYS[3] user's session index, KEYS[4] user generation hash,
-- KEYS[5] user lease, KEYS[6] the person's facts hash, KEYS[7] the person's model choices hash
-- (their TTLs slide with every turn), KEYS[8] and KEYS[9] the person's usage counters of the day
-- and the month
-- ARGV[1] expected session generation (-1: unknown, the turn was answered without memory),
-- ARGV[2] expected user generation, ARGV[3] TTL seconds (0 = none), ARGV[4] session ID,
-- ARGV[5] max tokens, ARGV[6] max messages, ARGV[7] when the turn was answered (ms),
-- ARGV[8] lease owner ('' = none), ARGV[9] turn ID ('' = none), ARGV[10] turn IDs remembered,
-- ARGV[11] the turn's model tokens (0: none), ARGV[12] and ARGV[13] seconds the day's and the
-- month's counters are kept,
-- ARGV[14..] triples of (token count, role: h a person's message / a any other, message JSON)
-- Returns { 1 written | 0 stale | 2 already written, total tokens, message count, dropped }
local meta, msgs, index, userGen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ttl = tonumber(ARGV[3])
if ARGV[8] ~= '' and redis.call('GET', KEYS[5]) == ARGV[8] then redis.call('DEL', KEYS[5]) end

-- The session's recent turn IDs, space-separated, oldest first: a replay changes nothing.
local turnId = ARGV[9]
local turnIds = redis.call('HGET', meta, 'turnIds') or ''
if turnId ~= '' and string.find(' ' .. turnIds .. ' ', ' ' .. turnId .. ' ', 1, true) then
  return { 2, tonumber(redis.call('HGET', meta, 'tokens') or '0'), redis.call('LLEN', msgs), 0 }
end

-- The tokens were spent whether or not a forget since makes the write stale: count them.
local used = tonumber(ARGV[11])
if used > 0 then
  redis.call('INCRBY', KEYS[8], used)
  redis.call('EXPIRE', KEYS[8], ARGV[12])
  redis.call('INCRBY', KEYS[9], used)
  redis.call('EXPIRE', KEYS[9], ARGV[13])
end

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
if turnId ~= '' then
  turnIds = turnIds == '' and turnId or turnIds .. ' ' .. turnId
  local _, spaces = string.gsub(turnIds, ' ', '')
  for _ = 1, spaces + 1 - tonumber(ARGV[10]) do
    turnIds = string.sub(turnIds, string.find(turnIds, ' ', 1, true) + 1)
  end
  redis.call('HSET', meta, 'turnIds', turnIds)
end

-- The envelope: sequence ID, token count, role (so the cap finds turns without reading the
-- message), then the LangChain stored message as given.
local added, count = 0, 0
for i = 14, #ARGV, 3 do
  local tokens = tonumber(ARGV[i])
  local id = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('RPUSH', msgs,
    '{"id":' .. id .. ',"t":' .. tokens .. ',"r":"' .. ARGV[i + 1] .. '","m":' .. ARGV[i + 2] .. '}')
  added = added + tokens
  count = count + 1
end
local total = redis.call('HINCRBY', meta, 'tokens', added)
local length = redis.call('LLEN', msgs)

-- Hard cap: drop the oldest messages, never the ones just written, and whole turns: after a
-- drop the list starts on a person's message again. Entries of the previous release have no
-- role: their message's type tells.
local maxTokens, maxMessages = tonumber(ARGV[5]), tonumber(ARGV[6])
local dropped = 0
local function headIsHuman()
  local head = redis.call('LINDEX', msgs, 0)
  local role = string.match(head, '^{"id":%d+,"t":%d+,"r":"(%a)"')
  if role then return role == 'h' end
  return cjson.decode(head).m.type == 'human'
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
  redis.call('EXPIRE', KEYS[6], ttl)
  redis.call('EXPIRE', KEYS[7], ttl)
else
  redis.call('ZADD', index, '+inf', ARGV[4])
  redis.call('PERSIST', meta)
  redis.call('PERSIST', msgs)
  redis.call('PERSIST', index)
  redis.call('PERSIST', KEYS[6])
  redis.call('PERSIST', KEYS[7])
end
return { 1, total, length, dropped }
