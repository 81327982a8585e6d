-- Adds a call's model tokens to the person's counters of the day and the month.
-- KEYS[1] the day's counter, KEYS[2] the month's counter
-- ARGV[1] tokens, ARGV[2] and ARGV[3] seconds the day's and the month's counters are kept
local used = tonumber(ARGV[1])
if used > 0 then
  redis.call('INCRBY', KEYS[1], used)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('INCRBY', KEYS[2], used)
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return 1
