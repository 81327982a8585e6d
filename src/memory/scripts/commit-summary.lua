-- Sets a new running summary and removes exactly the folded messages, only if they are still at
-- the head of the list and nothing was forgotten since the summariser loaded them.
-- KEYS[1] meta, KEYS[2] messages, KEYS[3] user generation hash, KEYS[4] and KEYS[5] the
-- person's usage counters of the day and the month
-- ARGV[1] expected session generation, ARGV[2] expected user generation, ARGV[3] ID of the
-- first folded message, ARGV[4] number of folded messages, ARGV[5] summary, ARGV[6] its tokens,
-- ARGV[7] the summary call's model tokens (0: none), ARGV[8] and ARGV[9] seconds the day's and
-- the month's counters are kept
-- Returns 1 committed, 0 unchanged
local meta, msgs, userGen = KEYS[1], KEYS[2], KEYS[3]

-- The tokens were spent whether or not the change lands: count them.
local used = tonumber(ARGV[7])
if used > 0 then
  redis.call('INCRBY', KEYS[4], used)
  redis.call('EXPIRE', KEYS[4], ARGV[8])
  redis.call('INCRBY', KEYS[5], used)
  redis.call('EXPIRE', KEYS[5], ARGV[9])
end

local gen = redis.call('HGET', meta, 'gen')
if not gen or tonumber(gen) ~= tonumber(ARGV[1]) then return 0 end
local ugen = redis.call('HGET', userGen, 'gen')
if ugen and tonumber(ugen) ~= tonumber(ARGV[2]) then return 0 end

local firstId, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local head = redis.call('LRANGE', msgs, 0, count - 1)
if #head ~= count then return 0 end
local folded = 0
for i, entry in ipairs(head) do
  local id, tokens = string.match(entry, '^{"id":(%d+),"t":(%d+),')
  if tonumber(id) ~= firstId + i - 1 then return 0 end
  folded = folded + tonumber(tokens)
end

-- LTRIM and HSET keep the keys' TTLs.
redis.call('LTRIM', msgs, count, -1)
redis.call('HSET', meta, 'summary', ARGV[5], 'summaryTokens', ARGV[6])
redis.call('HINCRBY', meta, 'tokens', -folded)
return 1
