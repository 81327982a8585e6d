-- Everything one turn needs, in one round trip. For a turn (a lease owner is given) it also takes
-- the user's lease, so one user has at most one turn in flight across all processes, and counts
-- the turn against the user's rate limit. A refused turn reads no history.
-- KEYS[1] session meta hash, KEYS[2] session message list, KEYS[3] user generation hash,
-- KEYS[4] user lease, KEYS[5] user rate counter, KEYS[6] the person's facts hash,
-- KEYS[7] the person's prefs hash
-- ARGV[1] lease owner ('' for a plain read), ARGV[2] lease lifetime ms,
-- ARGV[3] rate window ms (0: no rate limit), ARGV[4] turns allowed per window (0: no limit),
-- ARGV[5] the session's privacy scope ('' = a private chat: every fact is visible)
-- Returns { meta values (summary, summaryTokens, tokens, gen, dropped), messages,
--           user generation or nil,
--           lease: 1 held by the caller / 0 busy / -1 not asked / 2 refused by the rate limit,
--           ms until the lease frees, turns counted in the rate window, ms until the window ends,
--           facts visible here (JSON each), fact learning ('off' or nil) }
local leaseState, leaseWait, rate, rateWait = -1, 0, 0, 0
if ARGV[1] ~= '' then
  local holder = redis.call('GET', KEYS[4])
  if holder and holder ~= ARGV[1] then
    leaseState = 0
    leaseWait = redis.call('PTTL', KEYS[4])
  else
    leaseState = 1
    if tonumber(ARGV[3]) > 0 then
      rate = redis.call('INCR', KEYS[5])
      if rate == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[3]) end
      rateWait = redis.call('PTTL', KEYS[5])
      local limit = tonumber(ARGV[4])
      if limit > 0 and rate > limit then
        leaseState = 2
        if holder then redis.call('DEL', KEYS[4]) end
      end
    end
    if leaseState == 1 then redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2]) end
  end
end
local userGen = redis.call('HGET', KEYS[3], 'gen')
local learning = redis.call('HGET', KEYS[7], 'facts')
if leaseState == 0 or leaseState == 2 then
  return { { false, false, false, redis.call('HGET', KEYS[1], 'gen'), false }, {}, userGen,
    leaseState, leaseWait, rate, rateWait, {}, learning }
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
}
