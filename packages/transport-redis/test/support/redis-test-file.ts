import type { TransportFactoryContext } from "@messenger-ts/core";
import type { Redis } from "ioredis";
import { afterAll, afterEach } from "vitest";
import type { RedisTransport } from "../../src/index.js";
import {
  adminClient,
  createTransport,
  deleteKeys,
  dsn,
  factoryContext,
  prefixFor,
  redisUp,
} from "./redis.js";

type Options = Record<string, string | number | boolean>;

/** What a test file on the shared Redis server works with: see {@link redisTestFile}. */
export interface RedisTestFile {
  /** The file's own key prefix (one per file and process). */
  readonly prefix: string;
  /** A plain client for the test's own looks and manipulations. */
  readonly admin: Redis;
  /** A stream name no other test of the file used. */
  stream(): string;
  /** A transport on `stream` under the file's prefix; closed after the test. */
  transport(stream: string, options?: Options, context?: TransportFactoryContext): RedisTransport;
  /**
   * `count` transports on a fresh stream, each its own consumer (`t0`, `t1`, …), sweeping for
   * expired claims on every fetch (`claim_interval=0`); closed after the test.
   */
  transports(count: number, options?: Options): RedisTransport[];
  /** The DSN of `stream` under the file's prefix, for a messenger the test builds itself. */
  dsn(stream: string, options?: Options): string;
}

/**
 * Registers the file's cleanup (the transports of a test closed after it, the file's keys deleted
 * after the file) and returns what its tests build transports with. Call it once, at the top of
 * the test file.
 */
export function redisTestFile(file: string): RedisTestFile {
  const prefix = prefixFor(file);
  const admin = adminClient();
  const open: RedisTransport[] = [];
  let streams = 0;

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    if (redisUp) await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  const transport = (stream: string, options: Options = {}, context = factoryContext()) => {
    const created = createTransport(stream, { prefix, ...options }, context);
    open.push(created);
    return created;
  };
  const stream = () => `s${++streams}`;

  return {
    prefix,
    admin,
    stream,
    transport,
    transports(count, options = {}) {
      const shared = stream();
      return Array.from({ length: count }, (_, i) =>
        transport(shared, { claim_interval: 0, ...options }, factoryContext(`t${i}`)),
      );
    },
    dsn: (stream, options = {}) => dsn(stream, { prefix, ...options }),
  };
}
