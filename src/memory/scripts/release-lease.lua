-- Frees the user's lease if the caller still holds it (a turn that failed or was refused).
-- KEYS[1] user lease; ARGV[1] lease owner
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
