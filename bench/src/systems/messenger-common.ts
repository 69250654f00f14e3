// messenger-ts over one of its transports, through the packages' public entry points only:
// createMessenger + bus.dispatch to produce, the transport's sendMany (BulkSender) in bulk, and
// createWorker in the worker process. Transport packages are loaded by name at run time, so a
// transport that is not written, built or exporting its factory yet is skipped, not a crash.

import {
  AsMessage,
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  isBulkSender,
  isListableReceiver,
  isMessageCountAware,
  isMessageWaiter,
  type Messenger,
  PriorityStamp,
  type Transport,
  type TransportFactory,
} from "@messenger-ts/core";
import {
  type Backend,
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  RETRY_DELAY_MS,
  type System,
} from "./system.js";

@AsMessage("bench.job")
export class BenchJob implements Job {
  constructor(
    readonly id: number,
    readonly sentAt?: number,
    readonly fail?: boolean,
    readonly body?: string,
  ) {}
}

const toMessage = (job: Job) => new BenchJob(job.id, job.sentAt, job.fail, job.body);

/** The worker's idle sleep: the default (1 s) where the transport wakes the worker itself. */
const SLEEP_WITH_WAITER_MS = 1_000;
/** ...and a short poll where it cannot (the idle worker then checks every 50 ms). */
const SLEEP_WITHOUT_WAITER_MS = 50;

export interface MessengerTransportSpec {
  readonly name: string;
  readonly backend: Backend;
  /** The transport package, e.g. "@messenger-ts/transport-postgres". */
  readonly packageName: string;
  /** Its factory's export name, e.g. "PostgresTransportFactory". */
  readonly factoryExport: string;
  /** The DSN of one queue of this system. */
  dsn(queue: "bench" | "failed"): string;
  probeBackend(): Promise<string | undefined>;
  clean(): Promise<void>;
  /** See System.settle. */
  settle?(): Promise<void>;
  /** In-process only (the in-memory transport): producer and worker share one messenger. */
  readonly inProcess?: boolean;
  /**
   * Sends every job with a `PriorityStamp` (job id modulo this many levels), to measure claims by
   * priority against the same transport without.
   */
  readonly priorityLevels?: number;
}

type FactoryClass = new () => TransportFactory;

export function messengerSystem(spec: MessengerTransportSpec): System {
  let factoryClass: FactoryClass | undefined;
  /** Whichever handler the current consumer installed; the producer's messenger never calls it. */
  let handleJob: ConsumerOptions["handle"] = () => {
    throw new Error("bench: no consumer is running");
  };
  let shared: Messenger | undefined;

  async function loadFactory(): Promise<FactoryClass> {
    if (factoryClass) return factoryClass;
    // A variable specifier: TypeScript does not resolve it, so a missing package fails here, at run time.
    const specifier: string = spec.packageName;
    let module: Record<string, unknown>;
    try {
      module = (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND")
        throw new Error(`${spec.packageName} is not installed or not built yet`);
      throw error;
    }
    const factory = module[spec.factoryExport];
    if (typeof factory !== "function")
      throw new Error(`${spec.packageName} does not export ${spec.factoryExport} (yet)`);
    factoryClass = factory as FactoryClass;
    return factoryClass;
  }

  async function build(): Promise<Messenger> {
    const Factory = await loadFactory();
    return createMessenger({
      transports: {
        bench: {
          dsn: spec.dsn("bench"),
          failureTransport: "failed",
          retryStrategy: { maxRetries: RETRIES, delay: RETRY_DELAY_MS, multiplier: 1, jitter: 0 },
        },
        failed: spec.dsn("failed"),
      },
      transportFactories: [new Factory()],
      routing: [[BenchJob, "bench"]],
      handlers: [
        defineHandler(BenchJob, function benchHandler(job) {
          return handleJob(job);
        }),
      ],
    });
  }

  async function messenger(): Promise<Messenger> {
    if (!spec.inProcess) return build();
    shared ??= await build();
    return shared;
  }

  async function release(instance: Messenger): Promise<void> {
    if (!spec.inProcess) await instance.close();
  }

  return {
    name: spec.name,
    backend: spec.backend,
    peer: false,
    inProcess: spec.inProcess,
    settings:
      `messenger-ts (${spec.packageName}), ${spec.dsn("bench")}${spec.priorityLevels ? `, every job with a PriorityStamp (id modulo ${spec.priorityLevels})` : ""}, retry ${RETRIES} x ${RETRY_DELAY_MS} ms then the "failed" transport, ` +
      `worker sleep ${SLEEP_WITH_WAITER_MS} ms if the transport wakes the worker, else ${SLEEP_WITHOUT_WAITER_MS} ms`,

    async preload() {
      await loadFactory();
    },

    async probe() {
      try {
        await loadFactory();
      } catch (error) {
        return `${(error as Error).message.split("\n")[0]}`;
      }
      const backend = await spec.probeBackend();
      if (backend) return backend;
      await spec.clean();
      // Building, setting up and closing once finds a transport that exists but does not work yet.
      try {
        const instance = await build();
        await instance.setup();
        await instance.close();
        await spec.clean();
      } catch (error) {
        return `${spec.packageName} does not work yet: ${(error as Error).message.split("\n")[0]}`;
      }
      return undefined;
    },

    ...(spec.settle ? { settle: spec.settle } : {}),

    async clean() {
      if (shared) {
        await shared.close();
        shared = undefined;
      }
      await spec.clean();
    },

    async openProducer(): Promise<Producer> {
      const instance = await messenger();
      await instance.setup();
      const bench: Transport = instance.getTransport("bench");
      const failed: Transport = instance.getTransport("failed");
      const busStamp = new BusNameStamp(instance.defaultBusName);
      const levels = spec.priorityLevels;
      const priorities = levels ? Array.from({ length: levels }, (_, p) => new PriorityStamp(p)) : [];
      const stampsOf = (job: Job) => (levels ? [priorities[job.id % levels]!] : []);
      return {
        async enqueue(job: Job) {
          await instance.bus.dispatch(toMessage(job), stampsOf(job));
        },
        async enqueueBulk(jobs: readonly Job[]) {
          if (!isBulkSender(bench))
            throw new Error(`${spec.name}: the transport has no sendMany (BulkSender)`);
          await bench.sendMany(
            jobs.map((job) => Envelope.wrap(toMessage(job), [busStamp, ...stampsOf(job)])),
          );
        },
        async hasFailed() {
          if (isMessageCountAware(failed)) return (await failed.getMessageCount()) > 0;
          if (isListableReceiver(failed)) return (await failed.all(1)).length > 0;
          throw new Error(`${spec.name}: the failure transport can neither count nor list its messages`);
        },
        close: () => release(instance),
      };
    },

    async openConsumer({ concurrency, handle, acked }: ConsumerOptions): Promise<Consumer> {
      const instance = await messenger();
      handleJob = handle;
      const bench = instance.getTransport("bench");
      if (acked) {
        // The store's own count does not tell claimed from acknowledged messages, so the bench
        // counts acknowledgements the transport has confirmed (the promise of ack() resolved).
        const ack = bench.ack.bind(bench);
        bench.ack = async (envelope) => {
          await ack(envelope);
          acked();
        };
      }
      const worker = createWorker(instance, {
        receivers: ["bench"],
        concurrency,
        sleep: isMessageWaiter(bench) ? SLEEP_WITH_WAITER_MS : SLEEP_WITHOUT_WAITER_MS,
      });
      const running = worker.run();
      return {
        async stop() {
          worker.stop();
          await running;
          if (acked) delete (bench as Partial<Transport>).ack;
          await release(instance);
        },
      };
    },
  };
}
