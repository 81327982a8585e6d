-- Adds, updates, deletes and confirms facts of one person atomically, keeps the stored cap and
-- slides the facts' TTL. Only facts visible in the session (the privacy rule) are touched.
-- KEYS[1] the person's facts hash, KEYS[2] the session's meta hash, KEYS[3] user generation hash,
-- KEYS[4] and KEYS[5] the person's usage counters of the day and the month
-- ARGV[1] '1': check the generations (an extraction), '0': do not (a command of the person),
-- ARGV[2] expected session generation, ARGV[3] expected user generation, ARGV[4] session ID,
-- ARGV[5] the session's privacy scope ('' = a private chat: every fact is visible),
-- ARGV[6] when (ms), ARGV[7] TTL seconds (0 = none), ARGV[8] most facts kept,
-- ARGV[9] JSON { add: [[id, text, tokens]], update: [[id, text, tokens]], remove: [id], confirm: [id] },
-- ARGV[10] the extraction's model tokens (0: none), ARGV[11] and ARGV[12] seconds the day's and
-- the month's counters are kept
-- Facts are stored as JSON { id, text, t tokens, s session, p scope, a learned, c confirmed }.
-- Returns { 1 applied | 0 stale, added, updated, removed, evicted }
local facts, meta, userGen = KEYS[1], KEYS[2], KEYS[3]

-- The tokens were spent whether or not the change lands: count them.
local used = tonumber(ARGV[10])
if used > 0 then
  redis.call('INCRBY', KEYS[4], used)
  redis.call('EXPIRE', KEYS[4], ARGV[11])
  redis.call('INCRBY', KEYS[5], used)
  redis.call('EXPIRE', KEYS[5], ARGV[12])
end

if ARGV[1] == '1' then
  -- As a turn's write: a forget since the extraction loaded the session wins.
  local gen = redis.call('HGET', meta, 'gen')
  if gen and tonumber(gen) ~= tonumber(ARGV[2]) then return { 0, 0, 0, 0, 0 } end
  local ugen = redis.call('HGET', userGen, 'gen')
  if ugen and tonumber(ugen) ~= tonumber(ARGV[3]) then return { 0, 0, 0, 0, 0 } end
end
local session, scope, at = ARGV[4], ARGV[5], tonumber(ARGV[6])
local changes = cjson.decode(ARGV[9])

local function visible(id)
  local json = redis.call('HGET', facts, id)
  if not json then return nil end
  local fact = cjson.decode(json)
  if scope ~= '' and fact.p ~= scope then return nil end
  return fact
end
local function put(fact) redis.call('HSET', facts, fact.id, cjson.encode(fact)) end

local added, updated, removed, evicted = 0, 0, 0, 0
for _, id in ipairs(changes.remove) do
  if visible(id) then
    redis.call('HDEL', facts, id)
    removed = removed + 1
  end
end
for _, change in ipairs(changes.update) do
  local fact = visible(change[1])
  if fact then
    fact.text, fact.t, fact.s, fact.p, fact.a, fact.c = change[2], change[3], session, scope, at, at
    put(fact)
    updated = updated + 1
  end
end
for _, id in ipairs(changes.confirm) do
  local fact = visible(id)
  if fact then
    if at > fact.c then fact.c = at end
    put(fact)
    updated = updated + 1
  end
end
for _, change in ipairs(changes.add) do
  if redis.call('HEXISTS', facts, change[1]) == 0 then
    put({ id = change[1], text = change[2], t = change[3], s = session, p = scope, a = at, c = at })
    added = added + 1
  end
end

-- The stored cap: the least recently confirmed go first (then the smaller ID, as in every store).
local count, max = redis.call('HLEN', facts), tonumber(ARGV[8])
if count > max then
  local all = {}
  for _, json in ipairs(redis.call('HVALS', facts)) do
    local fact = cjson.decode(json)
    all[#all + 1] = { fact.c, fact.id }
  end
  table.sort(all, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[2] < y[2]) end)
  for i = 1, count - max do
    redis.call('HDEL', facts, all[i][2])
    evicted = evicted + 1
  end
end

local ttl = tonumber(ARGV[7])
if ttl > 0 then redis.call('EXPIRE', facts, ttl) else redis.call('PERSIST', facts) end
return { 1, added, updated, removed, evicted }
