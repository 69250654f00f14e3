// Bulk dispatch through the bus (`bus.dispatchMany`: the middleware per message, then one
// `sendMany` per transport) against the transport's own `sendMany` of the same number of
// envelopes: what the bus adds on top of the round trip. A third system sends envelopes that
// already carry the stamps the bus adds (bus name, sent), to tell the middleware's cost from the
// cost of encoding and storing the bus-name stamp (the sent stamp is not sent). Timed like `dispatch`: one clock read
// around each batch (one call of N messages), the two systems alternated every repetition.

import {
  AsMessage,
  BusNameStamp,
  createMessenger,
  Envelope,
  isBulkSender,
  isMessageCountAware,
  type Messenger,
  SentStamp,
  type TransportFactory,
} from "@messenger-ts/core";
import {
  databaseUrl,
  deleteRedisKeys,
  probePostgres,
  probeRedis,
  REDIS_URL,
  resetDatabase,
} from "../backends.js";
import type { Figure, Ratio, Scenario, ScenarioOptions, ScenarioResult } from "../scenario.js";
import { summarize } from "../summarize.js";

class BulkJob {
  constructor(readonly n: number) {}
}
AsMessage("bench.bulk_job")(BulkJob);

const DATABASE = "bench_bulk_dispatch";
const REDIS_PREFIX = "bench:bulk-dispatch";
/** The bus must reach at least 0.8x the transport's throughput: at most 1.25x its time per message. */
const TARGET = 1.25;
const WARMUP_BATCHES = 3;

interface Backend {
  readonly name: "postgres" | "redis";
  readonly packageName: string;
  readonly factoryExport: string;
  readonly dsn: string;
  probe(): Promise<string | undefined>;
  clean(): Promise<void>;
}

const backends: readonly Backend[] = [
  {
    name: "postgres",
    packageName: "@messenger-ts/transport-postgres",
    factoryExport: "PostgresTransportFactory",
    dsn: `${databaseUrl(DATABASE)}?queue_name=bulk`,
    probe: probePostgres,
    clean: () => resetDatabase(DATABASE),
  },
  {
    name: "redis",
    packageName: "@messenger-ts/transport-redis",
    factoryExport: "RedisTransportFactory",
    dsn: `redis://${new URL(REDIS_URL).host}/bulk?prefix=${REDIS_PREFIX}:`,
    probe: probeRedis,
    clean: () => deleteRedisKeys(`${REDIS_PREFIX}:`),
  },
];

async function loadFactory(backend: Backend): Promise<TransportFactory> {
  // A variable specifier: a package that is missing fails here, at run time, and is skipped.
  const specifier: string = backend.packageName;
  const module = (await import(specifier)) as Record<string, unknown>;
  const Factory = module[backend.factoryExport] as new () => TransportFactory;
  return new Factory();
}

interface System {
  readonly name: string;
  readonly label: string;
  readonly batch: (n: number) => Promise<unknown>;
}

function systemsOf(backend: Backend, messenger: Messenger): [System, System, System] {
  const transport = messenger.getTransport("bulk");
  if (!isBulkSender(transport)) throw new Error(`the ${backend.name} transport is not a BulkSender`);
  const bus = messenger.bus;
  return [
    {
      name: `${backend.name}-bus`,
      label: `${backend.name}: bus.dispatchMany(N messages)`,
      batch: (n) => bus.dispatchMany(Array.from({ length: n }, (_, i) => new BulkJob(i))),
    },
    {
      name: `${backend.name}-sendMany`,
      label: `${backend.name}: transport.sendMany(N envelopes)`,
      batch: (n) => transport.sendMany(Array.from({ length: n }, (_, i) => Envelope.wrap(new BulkJob(i)))),
    },
    {
      // The stamps the bus adds to every message it sends (the transport encodes and stores the
      // bus-name stamp): the gap between this and the bus is the middleware's own cost.
      name: `${backend.name}-sendMany-stamped`,
      label: `${backend.name}: transport.sendMany(N envelopes with the bus's stamps)`,
      batch: (n) =>
        transport.sendMany(
          Array.from({ length: n }, (_, i) =>
            Envelope.wrap(new BulkJob(i), [
              new BusNameStamp("messenger.bus.default"),
              new SentStamp(transport.constructor.name, "bulk"),
            ]),
          ),
        ),
    },
  ];
}

/** ns per message of one batch of `n`. */
async function timeBatch(system: System, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  await system.batch(n);
  return Number(process.hrtime.bigint() - start) / n;
}

function figure(system: System, samples: readonly number[]): Figure {
  return {
    name: system.name,
    label: system.label,
    nsPerOp: summarize(samples),
    opsPerSec: summarize(samples.map((ns) => 1e9 / ns)),
    samples,
  };
}

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const { n, repetitions, log } = options;
  const figures: Figure[] = [];
  const ratios: Ratio[] = [];
  const checks: Record<string, boolean> = {};
  for (const backend of backends) {
    const unavailable = await backend.probe();
    let factory: TransportFactory | undefined;
    if (unavailable === undefined) factory = await loadFactory(backend).catch(() => undefined);
    if (factory === undefined) {
      log(`bulk-dispatch: ${backend.name} skipped: ${unavailable ?? `${backend.packageName} is not built`}`);
      continue;
    }
    await backend.clean();
    const messenger = createMessenger({
      transports: { bulk: backend.dsn },
      transportFactories: [factory],
      routing: { "bench.bulk_job": "bulk" },
    });
    try {
      await messenger.setup();
      const systems = systemsOf(backend, messenger);
      log(`bulk-dispatch (${backend.name}): warm-up, ${WARMUP_BATCHES} batches of ${n} per system`);
      for (let i = 0; i < WARMUP_BATCHES; i++) for (const system of systems) await system.batch(n);
      const samples = systems.map((): number[] => []);
      for (let rep = 0; rep < repetitions; rep++) {
        for (let k = 0; k < systems.length; k++) {
          const i = (k + rep) % systems.length;
          samples[i]!.push(await timeBatch(systems[i]!, n));
        }
        const line = systems.map((s, i) => `${s.name} ${samples[i]![rep]!.toFixed(0)}`).join(", ");
        log(`bulk-dispatch (${backend.name}): repetition ${rep + 1}/${repetitions}: ${line} ns/message`);
      }
      const transport = messenger.getTransport("bulk");
      const expected = (WARMUP_BATCHES + repetitions) * systems.length * n;
      if (isMessageCountAware(transport)) {
        checks[`${backend.name}: every message stored`] = (await transport.getMessageCount()) === expected;
      }
      const [bus, own, stamped] = systems.map((system, i) => figure(system, samples[i]!)) as [
        Figure,
        Figure,
        Figure,
      ];
      figures.push(bus, own, stamped);
      const value = summarize(bus.samples.map((ns, i) => ns / own.samples[i]!));
      ratios.push({
        name: `${backend.name}: bus.dispatchMany / transport.sendMany (time per message)`,
        numerator: bus.name,
        denominator: own.name,
        value,
        target: TARGET,
        met: value.median <= TARGET,
      });
      ratios.push({
        name: `${backend.name}: bus.dispatchMany / sendMany with the bus's stamps (information)`,
        numerator: bus.name,
        denominator: stamped.name,
        value: summarize(bus.samples.map((ns, i) => ns / stamped.samples[i]!)),
      });
    } finally {
      await messenger.close();
      await backend.clean();
    }
  }
  return {
    scenario: "bulk-dispatch",
    description: `bulk dispatch of ${n} messages: through the bus (bus.dispatchMany) against the transport's own sendMany, on PostgreSQL and Redis`,
    method:
      "process.hrtime.bigint() around each batch (one awaited call of N messages), the two systems alternated each repetition; ns per message",
    n,
    repetitions,
    warmupOperations: WARMUP_BATCHES * n,
    figures,
    ratios,
    checks,
  };
}

export const bulkDispatch: Scenario = {
  name: "bulk-dispatch",
  description: "bus.dispatchMany against the transport's sendMany, 1,000 messages per call",
  defaultN: 1_000,
  quickN: 100,
  run,
};
