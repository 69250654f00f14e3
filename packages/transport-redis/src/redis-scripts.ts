import { createHash } from "node:crypto";

/**
 * A Lua script run with EVALSHA (EVAL when the server does not know it yet, e.g. after a restart):
 * one round trip, atomic. Every key a script touches is passed in KEYS, and the keys of one
 * transport share a Cluster hash slot when the stream key holds a hash tag.
 */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
  readonly numberOfKeys: number;
}

export function script(name: string, numberOfKeys: number, lua: string): RedisScript {
  return { name, lua, numberOfKeys, sha: createHash("sha1").update(lua).digest("hex") };
}

/** The Redis clock in epoch milliseconds, formatted without an exponent (Lua's tostring has 14 digits). */
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local nowText = string.format('%d', now)
`;

/**
 * Priority levels. Level 0 (no PriorityStamp) is the stream itself, as it always was; level p (1 to
 * 255) is the stream `<stream>:priority:<p>`, read through a consumer group of the same name, and
 * the levels in use are the members of the sorted set `<stream>:priorities` (scored by level). Ids
 * of the entries and delayed messages of level p carry the prefix `p<p>:`, since two streams hand
 * out the same entry ids. The keys are derived from the stream's, so they share its Cluster slot.
 */
const LEVELS = `
local function levelKey(base, level)
  if level == 0 then return base end
  return base .. ':priority:' .. level
end
local function prefixOf(level)
  if level == 0 then return '' end
  return 'p' .. level .. ':'
end
-- The stream of an id (or a sweep cursor), the id within that stream, and its level.
local function locate(base, id)
  if string.byte(id, 1) ~= 112 then return base, id, 0 end -- no "p": level 0, the common case
  local level, raw = string.match(id, '^p(%d+):(.+)$')
  if level then
    level = tonumber(level)
    return levelKey(base, level), raw, level
  end
  return base, id, 0
end
-- The levels in claim order: those in use, highest first, then 0.
local function levelsOf(base)
  local levels = {}
  for _, level in ipairs(redis.call('ZREVRANGE', base .. ':priorities', 0, -1)) do
    levels[#levels + 1] = tonumber(level)
  end
  levels[#levels + 1] = 0
  return levels
end
`;

/**
 * XADD with the optional approximate MAXLEN into the stream of a level, which joins the levels in
 * use; returns the id with its level's prefix. `maxlen` and `stream` must be in scope.
 */
const XADD = `
${LEVELS}
local function xadd(level, message)
  local key = levelKey(stream, level)
  if level > 0 then redis.call('ZADD', stream .. ':priorities', level, level) end
  if maxlen > 0 then
    return prefixOf(level) .. redis.call('XADD', key, 'MAXLEN', '~', maxlen, '*', 'message', message)
  end
  return prefixOf(level) .. redis.call('XADD', key, '*', 'message', message)
end
`;

/**
 * Sends one or many messages, all in one script.
 * KEYS: stream, delayed, delayedMessages, marker.
 * ARGV: maxlen, how many tails T, the T tails, then per message: delay (ms, integer), delayed id,
 * priority, (only when T > 1) the number of its tail (1 to T), the head of its message JSON.
 * A message's JSON is its head followed by its tail (see stored-message.ts): the text the messages
 * share (their headers, most of a small message) goes once per call instead of once per message.
 * Undelayed messages are XADDed to their level's stream; delayed ones wait in the sorted set
 * (score: due time on the Redis clock) with their body in the hash, their level in their id. The marker moves to the earliest new due time (0 when a
 * message is ready now), which wakes one idle worker blocked on it.
 * Returns the ids: stream ids for undelayed messages, the given ids for delayed ones.
 */
export const SEND = script(
  "send",
  4,
  `
local stream, delayed, messages, marker = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local maxlen = tonumber(ARGV[1])
${XADD}
local tails = tonumber(ARGV[2])
local stride = 4
if tails > 1 then stride = 5 end
local ids = {}
local wake = nil
local now = nil
for i = 3 + tails, #ARGV, stride do
  local delay = tonumber(ARGV[i])
  local message
  if tails > 1 then
    message = ARGV[i + 4] .. ARGV[2 + tonumber(ARGV[i + 3])]
  else
    message = ARGV[i + 3] .. ARGV[3]
  end
  if delay <= 0 then
    ids[#ids + 1] = xadd(tonumber(ARGV[i + 2]), message)
    wake = 0
  else
    if now == nil then
      local clock = redis.call('TIME')
      now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
    end
    local due = now + delay
    redis.call('ZADD', delayed, string.format('%d', due), ARGV[i + 1])
    redis.call('HSET', messages, ARGV[i + 1], message)
    ids[#ids + 1] = ARGV[i + 1]
    if wake == nil or due < wake then wake = due end
  end
end
if wake ~= nil then redis.call('ZADD', marker, 'LT', string.format('%d', wake), 'next') end
return ids
`,
);

/**
 * What a worker's get() runs: one round trip for everything.
 * KEYS: stream, delayed, delayedMessages, marker.
 * ARGV: group, consumer, count, maxlen, autoSetup (1/0), claim (1/0), claim min idle (ms),
 *       claim cursor, most delayed messages to move per call, the released consumer's name.
 * Every step goes through the priority levels in claim order (highest first, level 0 last).
 * 1. Delayed messages that are due move into their level's stream, earliest first.
 * 2. Entries a stopping worker released (parked on the released consumer, see RELEASE) are taken
 *    over first (XCLAIM), on every fetch: they are not waiting for any timeout.
 *    With claim=1: XAUTOCLAIM takes over up to the rest of `count` entries idle for at least the
 *    redelivery timeout (abandoned by a dead consumer), continuing the sweep from the cursor
 *    (`p<level>:<id>`: the level's stream and where in it; "0-0" when the sweep went round).
 *    Redis counts the deliveries of a pending entry (XREADGROUP sets 1, each XCLAIM/XAUTOCLAIM
 *    adds one, atomically with the claim, stored with the entry); the count of every entry taken
 *    over is returned with it.
 * 3. XREADGROUP reads new entries up to `count` in all, level after level. When the group is
 *    missing (first use, or Redis restarted without persistence) and autoSetup=1, it is created
 *    first (MKSTREAM); on a priority level's stream it is always created (setup() cannot know the
 *    levels to come). A level whose stream is empty leaves the levels in use.
 * 4. When the streams held no more new entries, a stale "ready now" marker is dropped, so an idle
 *    worker does not wake for messages already taken; after a full batch with entries behind it
 *    (or a lower level still to read), the marker says "ready now", so one more idle worker wakes
 *    to share what is left (a burst spreads over the workers).
 * Returns { now (Redis clock, ms), next due time (ms) or -1, cursor, claimed entries (ids with
 * their level's prefix), their delivery counts, new entries (delivered for the first time)
 * packed in one string per level, or for a level of big messages its entries as XREADGROUP
 * returns them (see pack below) }.
 */
export const FETCH = script(
  "fetch",
  4,
  `
local stream, delayed, messages, marker = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, consumer = ARGV[1], ARGV[2]
local count, maxlen = tonumber(ARGV[3]), tonumber(ARGV[4])
local autoSetup, claim = ARGV[5] == '1', ARGV[6] == '1'
local cursor = ARGV[8]
${NOW}
${XADD}

local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', nowText, 'LIMIT', 0, tonumber(ARGV[9]))
if #due > 0 then
  local bodies = redis.call('HMGET', messages, unpack(due))
  for i = 1, #due do
    if bodies[i] then
      local _, _, level = locate(stream, due[i])
      xadd(level, bodies[i])
    end
  end
  redis.call('ZREM', delayed, unpack(due))
  redis.call('HDEL', messages, unpack(due))
end

-- A group-less stream (never set up, or lost in a restart): create the group, if allowed, and run
-- the command again; a failing command changed nothing, and failing again raises its error.
local function run(key, level, ...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then
    if (autoSetup or level > 0) and string.find(reply.err, 'NOGROUP', 1, true) then
      redis.pcall('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM')
    end
    return redis.call(...)
  end
  return reply
end

local levels = levelsOf(stream)
local levelKeys = {}
for i, level in ipairs(levels) do levelKeys[i] = levelKey(stream, level) end
-- Entries taken over, with their level's prefix, and where each one is (stream, id in it).
local claimed, claimedAt = {}, {}
local function take(key, level, entry)
  claimed[#claimed + 1] = { prefixOf(level) .. entry[1], entry[2] }
  claimedAt[#claimedAt + 1] = { key, entry[1] }
end

for i, level in ipairs(levels) do
  if #claimed >= count then break end
  local key = levelKeys[i]
  local released = run(key, level, 'XPENDING', key, group, '-', '+', count - #claimed, ARGV[10])
  if #released > 0 then
    local args = { 'XCLAIM', key, group, consumer, 0 }
    for _, pending in ipairs(released) do args[#args + 1] = pending[1] end
    local taken = {}
    for _, entry in ipairs(redis.call(unpack(args))) do
      if type(entry) == 'table' and entry[2] then
        take(key, level, entry)
        taken[entry[1]] = true
      end
    end
    -- Entries deleted meanwhile: Redis 7 dropped them from the pending list; 6.2 keeps them.
    for _, pending in ipairs(released) do
      if not taken[pending[1]] then redis.call('XACK', key, group, pending[1]) end
    end
  end
end

if claim and #claimed < count then
  -- The sweep goes on at the cursor's level (or the next one below, when that level is gone).
  local from, at = 1, '0-0'
  if cursor ~= '0-0' then
    local _, raw, cursorLevel = locate(stream, cursor)
    for i, level in ipairs(levels) do
      if level <= cursorLevel then
        from = i
        if level == cursorLevel then at = raw end
        break
      end
    end
  end
  cursor = '0-0'
  for i = from, #levels do
    local level = levels[i]
    local key = levelKeys[i]
    local reply = run(key, level, 'XAUTOCLAIM', key, group, consumer, ARGV[7], at, 'COUNT', count - #claimed)
    for _, entry in ipairs(reply[2]) do
      -- Redis 6.2 returns entries deleted meanwhile without fields (7.0 drops them itself).
      if entry[2] then take(key, level, entry) else redis.call('XACK', key, group, entry[1]) end
    end
    if reply[1] ~= '0-0' then
      cursor = 'p' .. level .. ':' .. reply[1]
      break
    end
    at = '0-0'
    if #claimed >= count then
      if i < #levels then cursor = 'p' .. levels[i + 1] .. ':0-0' end
      break
    end
  end
end
local deliveries = {}
for i, at in ipairs(claimedAt) do
  local pending = redis.call('XPENDING', at[1], group, at[2], at[2], 1)
  deliveries[i] = pending[1] and pending[1][4] or 1
end

-- New entries, packed per level in one string each: for each entry its id with its level's
-- prefix, a space, the byte length of its message field (-1 when it has none), a space and the
-- message. The client reads that far faster than an array of arrays per entry. Big messages are
-- the exception: past PACK_LIMIT bytes a level's entries stay as XREADGROUP returned them (ids
-- given their prefix), since joining megabytes in Lua cost the server more per message (with
-- 10 KB messages, 2.5 times its CPU for the fetch) than the array cost the client.
local PACK_LIMIT = 262144
local function pack(entries, prefix)
  local parts, n, size = {}, 0, 0
  for _, entry in ipairs(entries) do
    local message = nil
    local fields = entry[2]
    if fields then
      for f = 1, #fields, 2 do
        if fields[f] == 'message' then
          message = fields[f + 1]
          break
        end
      end
    end
    if message then
      size = size + #message
      if size > PACK_LIMIT then
        if prefix ~= '' then
          for _, unpacked in ipairs(entries) do unpacked[1] = prefix .. unpacked[1] end
        end
        return entries
      end
    end
    if prefix ~= '' then
      n = n + 1
      parts[n] = prefix
    end
    parts[n + 1] = entry[1]
    if message then
      parts[n + 2] = ' ' .. #message .. ' '
      parts[n + 3] = message
      n = n + 3
    else
      parts[n + 2] = ' -1 '
      n = n + 2
    end
  end
  return table.concat(parts)
end
local fresh = {}
local want = count - #claimed
if want > 0 then
  local more = false
  local got = 0
  for i, level in ipairs(levels) do
    local key = levelKeys[i]
    local reply = run(key, level, 'XREADGROUP', 'GROUP', group, consumer, 'COUNT', want - got, 'STREAMS', key, '>')
    local read = reply and reply[1][2] or {}
    if #read > 0 then
      fresh[#fresh + 1] = pack(read, prefixOf(level))
      got = got + #read
    end
    if got == want then
      if i < #levels then
        more = true
      else
        -- A full batch that ended at the stream's last entry left nothing behind it.
        local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
        more = #last == 0 or last[1][1] ~= read[#read][1]
      end
      break
    end
    if level > 0 and redis.call('XLEN', key) == 0 then
      redis.call('ZREM', stream .. ':priorities', level)
    end
  end
  if more then
    -- A full batch with more behind it: wake one more idle worker to share them.
    redis.call('ZADD', marker, 'LT', 0, 'next')
  else
    redis.call('ZREMRANGEBYSCORE', marker, '-inf', nowText)
  end
end

local nextDue = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
local nextDueAt = -1
if #nextDue > 0 then nextDueAt = tonumber(nextDue[2]) end
return { now, nextDueAt, cursor, claimed, deliveries, fresh }
`,
);

/**
 * Acknowledges entries and deletes some of them, in one step, each in its level's stream. The
 * client groups the ids by level and strips their prefix, so the script does no work per id.
 * KEYS: stream. ARGV: group, then per level: level, how many ids, how many of them (from the
 * first) to XDEL as well, the ids within the level's stream…
 * Returns how many ids were still pending (XACK's count).
 */
export const ACK = script(
  "ack",
  1,
  `
local acked = 0
local i = 2
while i < #ARGV do
  local level, ids, deletes = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local key = KEYS[1]
  if level > 0 then key = key .. ':priority:' .. level end
  local first = i + 3
  acked = acked + redis.call('XACK', key, ARGV[1], unpack(ARGV, first, first + ids - 1))
  if deletes > 0 then redis.call('XDEL', key, unpack(ARGV, first, first + deletes - 1)) end
  i = first + ids
end
return acked
`,
);

/**
 * Removes a message found by listing (all() / find()), delayed or in the stream, whatever its state:
 * `messenger:failed:remove`, and ack/reject of a listed envelope.
 * KEYS: stream, delayed, delayedMessages. ARGV: group, "stream" | "delayed", id.
 * Returns 1 when the message was there.
 */
export const REMOVE = script(
  "remove",
  3,
  `
${LEVELS}
if ARGV[2] == 'delayed' then
  local removed = redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('HDEL', KEYS[3], ARGV[3])
  return removed
end
local key, raw = locate(KEYS[1], ARGV[3])
redis.pcall('XACK', key, ARGV[1], raw)
return redis.call('XDEL', key, raw)
`,
);

/**
 * Keepalive: resets the idle time of the entries this consumer still owns (XCLAIM … JUSTID to
 * itself), so XAUTOCLAIM elsewhere does not take them from a long handler. An entry another
 * consumer already claimed stays theirs (a plain XCLAIM would steal it back).
 * KEYS: stream. ARGV: group, consumer, ids… Returns how many were refreshed.
 */
export const KEEPALIVE = script(
  "keepalive",
  1,
  `
${LEVELS}
local group, consumer = ARGV[1], ARGV[2]
local keys, mine = {}, {}
local refreshed = 0
for i = 3, #ARGV do
  local key, raw = locate(KEYS[1], ARGV[i])
  local pending = redis.pcall('XPENDING', key, group, raw, raw, 1, consumer)
  if type(pending) == 'table' and not pending.err and #pending > 0 then
    if not mine[key] then
      keys[#keys + 1] = key
      mine[key] = { 'XCLAIM', key, group, consumer, 0 }
    end
    mine[key][#mine[key] + 1] = raw
    refreshed = refreshed + 1
  end
end
for _, key in ipairs(keys) do
  local args = mine[key]
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return refreshed
`,
);

/**
 * Release: hands entries a stopping worker fetched and never started back to the group at once,
 * as if never delivered. Entries this consumer still owns move (XCLAIM … JUSTID, which counts no
 * delivery) to the released consumer, with their delivery count taken back by one (RETRYCOUNT) and
 * an idle time past any redelivery timeout; the next fetch of any worker takes them over, counting
 * that delivery again. The marker says "ready now", which wakes one idle worker for them. An entry
 * another consumer took over meanwhile, or already acknowledged, is left alone.
 * KEYS: stream, marker. ARGV: group, consumer, released consumer, idle (ms), ids… Returns how many moved.
 */
export const RELEASE = script(
  "release",
  2,
  `
${LEVELS}
local group, consumer, released = ARGV[1], ARGV[2], ARGV[3]
local moved = 0
for i = 5, #ARGV do
  local key, raw = locate(KEYS[1], ARGV[i])
  local pending = redis.pcall('XPENDING', key, group, raw, raw, 1, consumer)
  if type(pending) == 'table' and not pending.err and #pending > 0 then
    local count = math.max(0, tonumber(pending[1][4]) - 1)
    redis.call('XCLAIM', key, group, released, 0, raw, 'IDLE', ARGV[4], 'RETRYCOUNT', count, 'JUSTID')
    moved = moved + 1
  end
end
if moved > 0 then redis.call('ZADD', KEYS[2], 'LT', 0, 'next') end
return moved
`,
);

/**
 * The ids of this consumer's own pending entries after `after` ("-": from the first), level after
 * level in claim order, oldest first within a level, up to `count`. Reads only: counts no delivery.
 * KEYS: stream. ARGV: group, consumer, after, count. Returns the ids, with their level's prefix.
 */
export const OWN_PENDING = script(
  "own-pending",
  1,
  `
${LEVELS}
local group, consumer, after, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local afterLevel, afterId = nil, nil
if after ~= '-' then
  local _, raw, level = locate(KEYS[1], after)
  afterLevel, afterId = level, raw
end
local ids = {}
for _, level in ipairs(levelsOf(KEYS[1])) do
  if #ids >= count then break end
  if afterLevel == nil or level <= afterLevel then
    local key = levelKey(KEYS[1], level)
    local start = '-'
    if level == afterLevel then start = '(' .. afterId end
    local reply = redis.pcall('XPENDING', key, group, start, '+', count - #ids, consumer)
    if type(reply) == 'table' and reply.err then
      -- No group (yet, or any more): nothing is pending there.
      if not string.find(reply.err, 'NOGROUP', 1, true) then return redis.error_reply(reply.err) end
    else
      for _, pending in ipairs(reply) do ids[#ids + 1] = prefixOf(level) .. pending[1] end
    end
  end
end
return ids
`,
);

/**
 * Takes back, as deliveries of this consumer, entries of its own pending list that it does not have
 * in hand: those a fetch took whose reply was lost with the connection, or those a fixed-name
 * consumer held before its process restarted. Checks the owner first (an entry another consumer
 * took over meanwhile stays theirs), then XCLAIMs each to itself, which returns its message and
 * resets its idle time. With count=1 (a restart: the entries were in the dead process's hands)
 * that counts a delivery; with count=0 (a lost reply: they never reached a handler) RETRYCOUNT
 * keeps the count as it was. Entries deleted meanwhile are acknowledged away.
 * KEYS: stream. ARGV: group, consumer, count (1/0), ids… Returns { entries, delivery counts }.
 */
export const RECLAIM_OWN = script(
  "reclaim-own",
  1,
  `
${LEVELS}
local group, consumer = ARGV[1], ARGV[2]
local entries, deliveries = {}, {}
for i = 4, #ARGV do
  local key, raw = locate(KEYS[1], ARGV[i])
  local pending = redis.pcall('XPENDING', key, group, raw, raw, 1, consumer)
  if type(pending) == 'table' and not pending.err and #pending > 0 then
    local count = tonumber(pending[1][4])
    local reply
    if ARGV[3] == '1' then
      reply = redis.call('XCLAIM', key, group, consumer, 0, raw)
      count = count + 1
    else
      reply = redis.call('XCLAIM', key, group, consumer, 0, raw, 'RETRYCOUNT', count)
    end
    local entry = reply[1]
    if type(entry) == 'table' and entry[2] then
      entries[#entries + 1] = { ARGV[i], entry[2] }
      deliveries[#deliveries + 1] = count
    else
      redis.call('XACK', key, group, raw)
    end
  end
end
return { entries, deliveries }
`,
);

/** Returns the group's pending count and last-delivered-id, or false when there is no such group. */
const GROUP_INFO = `
local function groupInfo(stream, group)
  local groups = redis.pcall('XINFO', 'GROUPS', stream)
  if type(groups) ~= 'table' or groups.err then return false end
  for _, fields in ipairs(groups) do
    local info = {}
    for i = 1, #fields, 2 do info[fields[i]] = fields[i + 1] end
    if info['name'] == group then return info end
  end
  return false
end
`;

/**
 * Counts, in one consistent snapshot: entries no consumer has read yet, entries read and not yet
 * acknowledged (in handlers, or abandoned), and delayed messages; over every priority level.
 * KEYS: stream, delayed. ARGV: group, exact (1 when acked and rejected entries are deleted).
 * Returns { waiting, pending, delayed }.
 */
export const COUNT = script(
  "count",
  2,
  `
${GROUP_INFO}
${LEVELS}
local delayedCount = redis.call('ZCARD', KEYS[2])
local waiting, pending = 0, 0
for _, level in ipairs(levelsOf(KEYS[1])) do
  local key = levelKey(KEYS[1], level)
  local length = redis.call('XLEN', key)
  local info = groupInfo(key, ARGV[1])
  if not info then
    waiting = waiting + length
  else
    local held = tonumber(info['pending'])
    pending = pending + held
    if ARGV[2] == '1' then
      -- Acked and rejected entries are deleted: the stream holds exactly the unread and the pending.
      waiting = waiting + math.max(0, length - held)
    elseif info['lag'] then
      waiting = waiting + tonumber(info['lag'])
    else
      waiting = waiting + #redis.call('XRANGE', key, '(' .. info['last-delivered-id'], '+')
    end
  end
end
return { waiting, pending, delayedCount }
`,
);

/** Whether stream entry `id` is not finished: unread by the group, or read and still pending. */
const IS_STORED = `
local function idAfter(id, other)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  local oms, oseq = string.match(other, '^(%d+)-(%d+)$')
  ms, seq, oms, oseq = tonumber(ms), tonumber(seq), tonumber(oms), tonumber(oseq)
  return ms > oms or (ms == oms and seq > oseq)
end
local function isStored(stream, group, info, id)
  if not info or idAfter(id, info['last-delivered-id']) then return true end
  local pending = redis.call('XPENDING', stream, group, id, id, 1)
  return #pending > 0
end
`;

/**
 * Lists stored messages without claiming them: stream entries level after level in claim order
 * (highest priority first), oldest first within a level (skipping entries the group already
 * acknowledged, which exist only when delete_after_* is off), then delayed messages by due time
 * (ties by id, the sorted set's order).
 * KEYS: stream, delayed, delayedMessages. ARGV: group, limit (-1: all), exact (1: every entry is
 * stored), after kind ("", "stream" or "delayed"), after id: a page starts after that message.
 * A stream id needs not be stored any more (ids are ordered within their level); a delayed one
 * must be (its place is its due time, which only the set knows).
 * Returns { entries, delayed ids, delayed messages, due times, 1 when the delayed "after" is gone }.
 */
export const LIST = script(
  "list",
  3,
  `
${GROUP_INFO}
${IS_STORED}
${LEVELS}
local stream, group, limit = KEYS[1], ARGV[1], tonumber(ARGV[2])
local afterKind, afterId = ARGV[4], ARGV[5]
local exact = ARGV[3] == '1'
local entries = {}
local afterLevel, afterRaw = nil, nil
if afterKind == 'stream' then
  local _, raw, level = locate(stream, afterId)
  afterLevel, afterRaw = level, raw
end
if afterKind ~= 'delayed' then
  for _, level in ipairs(levelsOf(stream)) do
    if limit >= 0 and #entries >= limit then break end
    if afterLevel == nil or level <= afterLevel then
      local key = levelKey(stream, level)
      local info = groupInfo(key, group)
      local start = '-'
      if level == afterLevel then start = '(' .. afterRaw end
      while limit < 0 or #entries < limit do
        local page = redis.call('XRANGE', key, start, '+', 'COUNT', 500)
        if #page == 0 then break end
        for _, entry in ipairs(page) do
          if limit >= 0 and #entries >= limit then break end
          if exact or isStored(key, group, info, entry[1]) then
            entries[#entries + 1] = { prefixOf(level) .. entry[1], entry[2] }
          end
        end
        start = '(' .. page[#page][1]
      end
    end
  end
end
local ids, bodies, dues = {}, {}, {}
local left = -1
if limit >= 0 then left = limit - #entries end
local first = 0
if afterKind == 'delayed' then
  local rank = redis.call('ZRANK', KEYS[2], afterId)
  if not rank then return { entries, ids, bodies, dues, 1 } end
  first = rank + 1
end
if left ~= 0 then
  local delayed = redis.call('ZRANGE', KEYS[2], first, left < 0 and -1 or first + left - 1, 'WITHSCORES')
  for i = 1, #delayed, 2 do
    ids[#ids + 1] = delayed[i]
    dues[#dues + 1] = delayed[i + 1]
  end
  if #ids > 0 then bodies = redis.call('HMGET', KEYS[3], unpack(ids)) end
end
return { entries, ids, bodies, dues, 0 }
`,
);

/**
 * Finds one stored message by id: a stream id (`[p<level>:]<ms>-<seq>`) or a delayed message's id.
 * KEYS: stream, delayed, delayedMessages. ARGV: group, "stream" | "delayed", id, exact.
 * Returns { id, message } or false.
 */
export const FIND = script(
  "find",
  3,
  `
${GROUP_INFO}
${IS_STORED}
${LEVELS}
if ARGV[2] == 'delayed' then
  local message = redis.call('HGET', KEYS[3], ARGV[3])
  if not message then return false end
  return { ARGV[3], message }
end
local key, raw = locate(KEYS[1], ARGV[3])
local found = redis.call('XRANGE', key, raw, raw)
if #found == 0 then return false end
if ARGV[4] ~= '1' and not isStored(key, ARGV[1], groupInfo(key, ARGV[1]), raw) then
  return false
end
local fields = found[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'message' then return { ARGV[3], fields[i + 1] } end
end
return { ARGV[3], '' }
`,
);

/**
 * Removes consumers that hold no pending entries and have been idle longer than ARGV[2] ms, so
 * per-process consumer names do not pile up in the group (of every priority level's stream). Safe
 * for a live consumer: it holds nothing, and its next read recreates it.
 * KEYS: stream. ARGV: group, idle ms, own consumer name (never removed). Returns how many went.
 */
export const PRUNE_CONSUMERS = script(
  "prune-consumers",
  1,
  `
${LEVELS}
local idle = tonumber(ARGV[2])
local removed = 0
for _, level in ipairs(levelsOf(KEYS[1])) do
  local key = levelKey(KEYS[1], level)
  local consumers = redis.pcall('XINFO', 'CONSUMERS', key, ARGV[1])
  if type(consumers) == 'table' and not consumers.err then
    for _, fields in ipairs(consumers) do
      local info = {}
      for i = 1, #fields, 2 do info[fields[i]] = fields[i + 1] end
      if info['name'] ~= ARGV[3] and tonumber(info['pending']) == 0 and tonumber(info['idle']) > idle then
        redis.call('XGROUP', 'DELCONSUMER', key, ARGV[1], info['name'])
        removed = removed + 1
      end
    end
  end
end
return removed
`,
);

/**
 * A token bucket shared by every worker: `limit` permits per `interval` ms, refilled continuously,
 * at most `limit` saved up; a permit taken ahead of time puts the bucket in debt (the same rule as
 * core's TokenBucketRateLimiter, on the Redis clock).
 * KEYS: bucket. ARGV: limit, interval ms. Returns the wait in ms before the permit may be used.
 */
export const RESERVE_TOKEN = script(
  "reserve-token",
  1,
  `
local limit, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or limit
local at = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - at) * limit / interval) - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * interval / limit) end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(interval + wait))
return wait
`,
);

/**
 * Sends one message with a deduplication key, atomically: the key is a hash next to the stream
 * (`<stream>:deduplication:<key>`: the message's token, id and where it is) that expires with the
 * key's ttl. When it exists, the message is dropped, or (replace=1) replaces the holder while that
 * still waits (in the delayed set, or in the stream unread by the group): the holder is removed
 * and the new message stored like any other (at its own priority), under a new id. extend=1
 * (debounce) restarts the key's ttl on a replace.
 * KEYS: stream, delayed, delayedMessages, marker, deduplication key.
 * ARGV: maxlen, delay (ms), delayed id, message JSON, ttl (ms), replace (1/0), extend (1/0), group,
 *       token, priority.
 * Returns { outcome ("stored", "replaced", "dropped"), the holder's id }.
 */
export const SEND_DEDUPLICATED = script(
  "send-deduplicated",
  5,
  `
local stream, delayed, messages, marker, dedup = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local maxlen = tonumber(ARGV[1])
local delay, delayedId, message = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local ttl, replace, extend, group, token = ARGV[5], ARGV[6] == '1', ARGV[7] == '1', ARGV[8], ARGV[9]
local priority = tonumber(ARGV[10])
${XADD}
${GROUP_INFO}
${IS_STORED}
local function store()
  if delay <= 0 then
    local id = xadd(priority, message)
    redis.call('ZADD', marker, 'LT', 0, 'next')
    return id, 'stream'
  end
  local clock = redis.call('TIME')
  local due = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + delay
  redis.call('ZADD', delayed, string.format('%d', due), delayedId)
  redis.call('HSET', messages, delayedId, message)
  redis.call('ZADD', marker, 'LT', string.format('%d', due), 'next')
  return delayedId, 'delayed'
end
local held = redis.call('HMGET', dedup, 'id', 'kind')
if held[1] then
  local id, kind = held[1], held[2]
  local waiting = false
  if replace then
    if kind == 'delayed' then
      waiting = redis.call('ZSCORE', delayed, id) ~= false
    else
      local key, raw = locate(stream, id)
      local info = groupInfo(key, group)
      waiting = (not info or idAfter(raw, info['last-delivered-id'])) and #redis.call('XRANGE', key, raw, raw) > 0
    end
  end
  if not waiting then return { 'dropped', id } end
  if kind == 'delayed' then
    redis.call('ZREM', delayed, id)
    redis.call('HDEL', messages, id)
  else
    local key, raw = locate(stream, id)
    redis.call('XDEL', key, raw)
  end
  local newId, newKind = store()
  redis.call('HSET', dedup, 'id', newId, 'kind', newKind, 'token', token)
  if extend then redis.call('PEXPIRE', dedup, ttl) end
  return { 'replaced', newId }
end
local id, kind = store()
redis.call('HSET', dedup, 'id', id, 'kind', kind, 'token', token)
redis.call('PEXPIRE', dedup, ttl)
return { 'stored', id }
`,
);

/**
 * Releases a deduplication key whose holder is done with it (taken by a worker, or handled): it
 * is deleted only while it still names that message's token, never a later holder's.
 * KEYS: the deduplication key. ARGV: the message's token.
 */
export const RELEASE_DEDUPLICATION = script(
  "release-deduplication",
  1,
  `
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`,
);
