-- Everything one turn needs, in one round trip. For a turn (a lease owner is given) it also takes
-- the user's lease, so one user has at most one turn in flight across all processes, and counts
-- the turn against the user's rate limit.
-- KEYS[1] session meta hash, KEYS[2] session message list, KEYS[3] user generation hash,
-- KEYS[4] user lease, KEYS[5] user rate counter
-- ARGV[1] lease owner ('' for a plain read), ARGV[2] lease lifetime ms,
-- ARGV[3] rate window ms (0: no rate limit)
-- Returns { meta as field/value list, messages, user generation or nil,
--           lease: 1 held by the caller / 0 busy / -1 not asked, ms until the lease frees,
--           turns counted in the rate window, ms until the window ends }
local leaseState, leaseWait, rate, rateWait = -1, 0, 0, 0
if ARGV[1] ~= '' then
  local taken = redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', ARGV[2])
  if taken or redis.call('GET', KEYS[4]) == ARGV[1] then
    leaseState = 1
    if tonumber(ARGV[3]) > 0 then
      rate = redis.call('INCR', KEYS[5])
      if rate == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[3]) end
      rateWait = redis.call('PTTL', KEYS[5])
    end
  else
    leaseState = 0
    leaseWait = redis.call('PTTL', KEYS[4])
  end
end
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('LRANGE', KEYS[2], 0, -1),
  redis.call('HGET', KEYS[3], 'gen'),
  leaseState,
  leaseWait,
  rate,
  rateWait,
}
