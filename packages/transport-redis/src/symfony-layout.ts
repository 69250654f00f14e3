import { createHash, randomBytes } from "node:crypto";

/**
 * Symfony's Redis transport (5.4 to 7.x) keeps delayed messages, retries included, in the sorted
 * set `<stream>__queue`: the member is the JSON `{"body", "headers", "uniqid"}` itself, the score
 * the due time in epoch milliseconds. Any worker, PHP or Node, moves a due member into the stream
 * as an entry whose `message` field is that JSON. With the transport's `symfony` option this side
 * writes and reads that layout, so delays and retries cross between the two.
 */
export function symfonyQueueKey(stream: string): string {
  return `${stream}__queue`;
}

/** The member for `<stream>__queue`: Symfony's shape, with a unique part so equal messages stay two. */
export function symfonyDelayedMember(body: string, headers: Readonly<Record<string, string>>): string {
  return JSON.stringify({ body, headers, uniqid: randomBytes(12).toString("hex") });
}

/**
 * Symfony's Redis connection stores stream entries through phpredis's serializer, PHP's by default
 * (`serializer: 1`): the `message` field then reads `s:<bytes>:"<JSON>";`. This unwraps that form
 * (checking the byte count) and leaves anything else as it is. What this side writes is plain JSON,
 * which phpredis hands to Symfony unchanged when it cannot unserialize it.
 */
export function unwrapPhpSerializedString(value: string): string {
  const found = /^s:(\d+):"([\s\S]*)";$/.exec(value);
  if (found === null) return value;
  return Buffer.byteLength(found[2]!, "utf8") === Number(found[1]) ? found[2]! : value;
}

function script(name: string, numberOfKeys: number, lua: string) {
  return { name, lua, numberOfKeys, sha: createHash("sha1").update(lua).digest("hex") };
}

/**
 * Adds delayed messages to Symfony's queue.
 * KEYS: `<stream>__queue`, marker. ARGV: per message: delay (ms), member.
 * Scored with the Redis clock (Symfony uses the PHP host's clock: keep them in sync). The marker
 * moves to the earliest due time, which wakes an idle worker of this side then.
 */
export const SYMFONY_SEND_DELAYED = script(
  "symfony-send-delayed",
  2,
  `
local queue, marker = KEYS[1], KEYS[2]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local wake = nil
for i = 1, #ARGV, 2 do
  local due = now + tonumber(ARGV[i])
  redis.call('ZADD', queue, 'NX', string.format('%d', due), ARGV[i + 1])
  if wake == nil or due < wake then wake = due end
end
if wake ~= nil then redis.call('ZADD', marker, 'LT', string.format('%d', wake), 'next') end
return #ARGV / 2
`,
);

/**
 * Moves due members of Symfony's queue into the stream, as Symfony's get() does (ZREM first, so a
 * PHP worker popping the same member concurrently moves it once, not twice).
 * KEYS: `<stream>__queue`, stream. ARGV: most members to move, maxlen.
 * Returns the due time of the earliest member left (epoch ms), or -1.
 */
export const SYMFONY_PROMOTE = script(
  "symfony-promote",
  2,
  `
local queue, stream = KEYS[1], KEYS[2]
local limit, maxlen = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', queue, '-inf', string.format('%d', now), 'LIMIT', 0, limit)
for _, member in ipairs(due) do
  if redis.call('ZREM', queue, member) == 1 then
    if maxlen > 0 then
      redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'message', member)
    else
      redis.call('XADD', stream, '*', 'message', member)
    end
  end
end
local next = redis.call('ZRANGE', queue, 0, 0, 'WITHSCORES')
if #next > 0 then return tonumber(next[2]) end
return -1
`,
);
