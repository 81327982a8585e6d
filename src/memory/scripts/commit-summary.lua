-- Sets a new running summary and removes exactly the folded messages, only if they are still at
-- the head of the list and nothing was forgotten since the summariser loaded them.
-- KEYS[1] meta, KEYS[2] messages, KEYS[3] user generation hash
-- ARGV[1] expected session generation, ARGV[2] expected user generation, ARGV[3] ID of the
-- first folded message, ARGV[4] number of folded messages, ARGV[5] summary, ARGV[6] its tokens
-- Returns 1 committed, 0 unchanged
local meta, msgs, userGen = KEYS[1], KEYS[2], KEYS[3]
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
