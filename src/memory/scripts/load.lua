-- Everything one turn needs, in one round trip. For a turn (a lease owner is given) it also takes
-- the user's lease, so one user has at most one turn in flight across all processes, and counts
-- the turn against the user's rate limit. A refused turn reads no history.
-- KEYS[1] session meta hash, KEYS[2] session message list, KEYS[3] user generation hash,
-- KEYS[4] user lease, KEYS[5] user rate counter, KEYS[6] the person's facts hash,
-- KEYS[7] the person's prefs hash, KEYS[8] the person's model choices hash,
-- KEYS[9] the person's usage counter of the budget's day
-- ARGV[1] lease owner ('' for a plain read), ARGV[2] lease lifetime ms,
-- ARGV[3] rate window ms (0: no rate limit), ARGV[4] turns allowed per window (0: no limit),
-- ARGV[5] the session's privacy scope ('' = a private chat: every fact is visible),
-- ARGV[6] the daily token budget (0: none, the counter is not read), ARGV[7] session ID
-- Returns { meta values (summary, summaryTokens, tokens, gen, dropped), messages,
--           user generation or nil,
--           lease: 1 held by the caller / 0 busy / -1 not asked / 2 refused by the rate limit /
--           3 refused by the budget,
--           ms until the lease frees, turns counted in the rate window, ms until the window ends,
--           facts visible here (JSON each), fact learning ('off' or nil),
--           the model picked in this session or nil, tokens counted that day (-1: not read) }
local leaseState, leaseWait, rate, rateWait, spent = -1, 0, 0, 0, -1
if ARGV[1] ~= '' then
  local holder = redis.call('GET', KEYS[4])
  if holder and holder ~= ARGV[1] then
    leaseState = 0
    leaseWait = redis.call('PTTL', KEYS[4])
  else
    leaseState = 1
    -- A spent budget refuses the turn before the rate window counts it.
    local budget = tonumber(ARGV[6])
    if budget > 0 then
      spent = tonumber(redis.call('GET', KEYS[9]) or '0')
      if spent >= budget then leaseState = 3 end
    end
    if leaseState == 1 and tonumber(ARGV[3]) > 0 then
      rate = redis.call('INCR', KEYS[5])
      if rate == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[3]) end
      rateWait = redis.call('PTTL', KEYS[5])
      local limit = tonumber(ARGV[4])
      if limit > 0 and rate > limit then leaseState = 2 end
    end
    if leaseState == 1 then
      redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
    elseif holder then
      redis.call('DEL', KEYS[4])
    end
  end
end
local userGen = redis.call('HGET', KEYS[3], 'gen')
local learning = redis.call('HGET', KEYS[7], 'facts')
local model = redis.call('HGET', KEYS[8], ARGV[7])
if leaseState == 0 or leaseState >= 2 then
  return { { false, false, false, redis.call('HGET', KEYS[1], 'gen'), false }, {}, userGen,
    leaseState, leaseWait, rate, rateWait, {}, learning, model, spent }
end
-- The privacy rule: in a group only the facts learned in that group; in private, all of them.
local facts = {}
for _, json in ipairs(redis.call('HVALS', KEYS[6])) do
  if ARGV[5] == '' or cjson.decode(json).p == ARGV[5] then facts[#facts + 1] = json end
end
return {
  redis.call('HMGET', KEYS[1], 'summary', 'summaryTokens', 'tokens', 'gen', 'dropped'),
  redis.call('LRANGE', KEYS[2], 0, -1),
  userGen,
  leaseState,
  leaseWait,
  rate,
  rateWait,
  facts,
  learning,
  model,
  spent,
}
