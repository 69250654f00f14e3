// The worker process of the process-level conformance suite: a plain Node script (run from the
// built package, never imported) that consumes one transport with createWorker and reports on
// stdout. Its configuration comes as JSON in argv[2] (see ProcessWorkerConfig). Lines it prints:
//   ready                 the worker went idle for the first time
//   started <n> <ms>      a handler began job n (ms: Date.now())
//   finished <n> <ms>     a handler ended job n, after recording it in the ledger
//   handled <n>           the worker's WorkerMessageHandledEvent for job n (the ack follows it)
//   error <kind> <text>   the logger got an error; kind is "transport" for a TransportError,
//                         "other" for any other error, "log" for an error-level line without one
//   paused <transport>    the worker saw that the transport was paused (resumed <transport>: resumed)
//   stopped               the worker stopped and the messenger closed
// When run() rejects (a grace period ran out, an outage outlasted its limit), it prints
// `failed <error>` and exits 1.
// It loads the pieces it needs from their modules, not from the root entry point, and
// reflect-metadata first, as the root entry point does.
import "reflect-metadata";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessenger } from "../config/create-messenger.js";
import type { TransportConfig } from "../config/messenger-config.js";
import { TransportError } from "../errors/transport-error.js";
import { defineHandler } from "../handler/define-handler.js";
import type { Logger } from "../logger/logger.js";
import type { TransportFactory } from "../transport/transport-factory.js";
import { WorkerMessageHandledEvent } from "../worker/events/worker-message-handled-event.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { WorkerTransportPausedEvent } from "../worker/events/worker-transport-paused-event.js";
import { WorkerTransportResumedEvent } from "../worker/events/worker-transport-resumed-event.js";
import { stopOnSignals } from "../worker/stop-on-signals.js";
import { createWorker } from "../worker-wiring/create-worker.js";
import { ProcessConformanceJob } from "./conformance-messages.js";
import { HandledLedger } from "./handled-ledger.js";
import type { ProcessWorkerConfig } from "./process-worker-config.js";

const config = JSON.parse(process.argv[2] ?? "{}") as ProcessWorkerConfig;
const say = (line: string) => process.stdout.write(`${line}\n`);
const verbose = config.verbose ?? true;
const ledger = new HandledLedger(config.ledger);
const failOn = new Set(config.failOn ?? []);
const crashOn = new Set(config.crashOn ?? []);
const hangOn = new Set(config.hangOn ?? []);

const specifier = isAbsolute(config.factory.module)
  ? pathToFileURL(config.factory.module).href
  : config.factory.module;
const exported = (await import(specifier))[config.factory.exportName] as
  | (new () => TransportFactory)
  | undefined;
if (typeof exported !== "function") {
  throw new Error(`${config.factory.module} exports no class named "${config.factory.exportName}"`);
}

const logger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error(context, message) {
    const error = context.error;
    if (error === undefined) {
      say(`error log ${message} ${JSON.stringify(context)}`.replaceAll("\n", " "));
      return;
    }
    const kind = error instanceof TransportError && error.cause instanceof Error ? "transport" : "other";
    say(`error ${kind} ${String(error).replaceAll("\n", " ")}`);
  },
};

const jobs: TransportConfig = {
  dsn: config.jobs,
  ...(config.retries === undefined
    ? {}
    : { retryStrategy: { maxRetries: config.retries, delay: 100, multiplier: 1, jitter: 0 } }),
  ...(config.concurrencyLimit === undefined ? {} : { concurrencyLimit: config.concurrencyLimit }),
};
const messenger = createMessenger({
  transports: {
    jobs,
    ...(config.failed ? { failed: config.failed } : {}),
    ...(config.other
      ? { other: config.rateLimiter ? { dsn: config.other, rateLimiter: config.rateLimiter } : config.other }
      : {}),
  },
  failureTransport: config.failed ? "failed" : undefined,
  transportFactories: [new exported()],
  logger,
  handlers: [
    defineHandler(ProcessConformanceJob, async function job(message: ProcessConformanceJob) {
      if (verbose) say(`started ${message.n} ${Date.now()}`);
      if (failOn.has(message.n)) throw new Error(`job ${message.n} failed on purpose`);
      if (crashOn.has(message.n)) process.exit(1);
      // Nothing pending: only the worker itself keeps the process alive while this handler hangs.
      if (hangOn.has(message.n)) await new Promise(() => undefined);
      // A pending timer, not a bare pending promise: the hung handler must keep the process alive.
      const ms = (config.handlerMs ?? 0) < 0 ? 600_000 : (config.handlerMs ?? 0);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      ledger.record(message.n);
      if (verbose) say(`finished ${message.n} ${Date.now()}`);
    }),
  ],
});

// Spread in only when set, so that a worker without them runs with the defaults.
const limits = {
  ...(config.gracePeriod === undefined ? {} : { gracePeriod: config.gracePeriod }),
  ...(config.outageLimit === undefined ? {} : { outageLimit: config.outageLimit }),
};
const worker = createWorker(messenger, {
  receivers: config.receivers ?? ["jobs"],
  concurrency: config.concurrency,
  sleep: config.sleep,
  ...limits,
});
stopOnSignals(worker);
let ready = false;
messenger.events.on(WorkerRunningEvent, (event) => {
  if (!ready && event.isWorkerIdle) {
    ready = true;
    say("ready");
  }
});
messenger.events.on(WorkerTransportPausedEvent, (event) => {
  say(`paused ${event.transportName}`);
});
messenger.events.on(WorkerTransportResumedEvent, (event) => {
  say(`resumed ${event.transportName}`);
});
messenger.events.on(WorkerMessageHandledEvent, (event) => {
  if (verbose && event.envelope.message instanceof ProcessConformanceJob)
    say(`handled ${event.envelope.message.n}`);
});
try {
  await worker.run();
} catch (error) {
  say(`failed ${String(error).replaceAll("\n", " ")}`);
  await messenger.close().catch(() => undefined);
  ledger.close();
  process.exit(1);
}
await messenger.close();
ledger.close();
say("stopped");
process.exit(0);
