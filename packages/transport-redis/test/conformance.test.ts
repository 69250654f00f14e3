import { describeTransportConformance, type TransportConformanceContext } from "@messenger-ts/core/testing";
import { afterAll, describe } from "vitest";
import type { RedisTransport } from "../src/index.js";
import {
  adminClient,
  ageClaims,
  createTransport,
  deleteKeys,
  letTimePass,
  prefixFor,
  redisUp,
} from "./support/redis.js";

const prefix = prefixFor("conformance");
const admin = adminClient();
let streams = 0;

afterAll(async () => {
  if (redisUp) await deleteKeys(admin, prefix);
  admin.disconnect();
});

function hooks(transport: RedisTransport) {
  return {
    transport,
    redeliveryTimeout: transport.redeliveryTimeout,
    deliveryLimit: transport.deliveryLimit,
    // Claims age by raising the entries' idle time, instead of sleeping through the 30 s default.
    redeliverAfter: async (ms: number) => {
      await ageClaims(admin, transport.stream, transport.group, ms);
    },
    letTimePass: (ms: number) => letTimePass(admin, transport.stream, ms),
    injectRaw: async (body: string, headers: Readonly<Record<string, string>>) => {
      await admin.xadd(transport.stream, "*", "message", JSON.stringify({ body, headers }));
    },
    cleanup: () => transport.close(),
  };
}

/** The DSN option for the delivery limit a test asks for; none keeps the default. */
function limit(context: TransportConformanceContext): { delivery_limit?: number } {
  return context.deliveryLimit === undefined ? {} : { delivery_limit: context.deliveryLimit };
}

describe.skipIf(!redisUp)("Redis transport", () => {
  // The defaults, except that every get() sweeps for abandoned entries (claim_interval=0): the
  // redelivery test ages a claim and expects the very next get() to take it over.
  describeTransportConformance(
    "redis, a stream per test, default settings",
    async (context) =>
      hooks(createTransport(`s${++streams}`, { prefix, claim_interval: 0, ...limit(context) })),
    { deduplication: true, priority: true },
  );

  // Acked and rejected entries stay in the stream (count, list and find must skip them), a hash
  // tag as Cluster needs, a capped stream and a fixed consumer name.
  describeTransportConformance("redis, entries kept after ack, hash-tagged key", async (context) =>
    hooks(
      createTransport(`{t${++streams}}`, {
        ...limit(context),
        prefix,
        claim_interval: 0,
        delete_after_ack: false,
        delete_after_reject: false,
        stream_max_entries: 10_000,
        group: "workers",
        consumer: "fixed-consumer",
      }),
    ),
  );
});
