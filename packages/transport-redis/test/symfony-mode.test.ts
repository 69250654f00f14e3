import { AsMessage, DelayStamp, Envelope, JsonSerializer } from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import type { RedisTransport } from "../src/index.js";
import { adminClient, createTransport, deleteKeys, prefixFor, redisUp } from "./support/redis.js";

@AsMessage("redis_symfony_test.job")
class Job {
  constructor(readonly n: number) {}
}

/**
 * The symfony option without PHP: Symfony's `<stream>__queue` and phpredis's serialized entries,
 * written here as Symfony's Redis connection writes them. Against Symfony Messenger itself:
 * packages/symfony/test/redis-interop.test.ts.
 */
describe.skipIf(!redisUp)("Redis transport, symfony option", () => {
  const prefix = prefixFor("symfony-mode");
  const redis = adminClient();
  const opened: RedisTransport[] = [];
  const transport = (stream: string) => {
    const t = createTransport(stream, { prefix, symfony: true, claim_interval: 0 });
    opened.push(t);
    return t;
  };
  const encoded = (n: number) => new JsonSerializer().encode(Envelope.wrap(new Job(n)));

  afterAll(async () => {
    for (const t of opened) await t.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it("puts a delayed message in <stream>__queue as Symfony does, counts it, and delivers it when due", async () => {
    const t = transport("delayed");
    const before = Number((await redis.time())[0]) * 1000;
    await t.send(Envelope.wrap(new Job(1), [new DelayStamp(300)]));
    const [member, score] = await redis.zrange(`${prefix}delayed__queue`, "0", "-1", "WITHSCORES");
    expect(Object.keys(JSON.parse(String(member)))).toEqual(["body", "headers", "uniqid"]);
    expect(Number(score)).toBeGreaterThanOrEqual(before + 300);
    expect(await redis.exists(`${prefix}delayed:delayed`)).toBe(0);
    expect(await t.getMessageCount()).toBe(1);
    let got: readonly Envelope[] = [];
    for (let i = 0; i < 200 && got.length === 0; i++) {
      got = await t.get();
      if (got.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(got.map((envelope) => envelope.message)).toEqual([new Job(1)]);
    expect(await redis.zcard(`${prefix}delayed__queue`)).toBe(0);
  });

  it("reads a due member a PHP worker queued, and a stream entry phpredis stored with its PHP serializer", async () => {
    const t = transport("from-php");
    const { body, headers } = encoded(2);
    await redis.zadd(
      `${prefix}from-php__queue`,
      "NX",
      "1",
      JSON.stringify({ body, headers, uniqid: "6b16569cb8e414.49250283" }),
    );
    const json = JSON.stringify(encoded(3));
    await t.setup();
    await redis.xadd(`${prefix}from-php`, "*", "message", `s:${Buffer.byteLength(json)}:"${json}";`);
    // A new consumer fetches one entry at first (the batch grows with its pace).
    const got = [...(await t.get()), ...(await t.get())];
    expect(got.map((envelope) => envelope.message).sort((a, b) => (a as Job).n - (b as Job).n)).toEqual([
      new Job(2),
      new Job(3),
    ]);
  });
});
