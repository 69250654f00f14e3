import {
  type ConsumeOptions,
  createWorker,
  isKeepaliveReceiver,
  isQueueReceiver,
  isWarningTransport,
  type Messenger,
  stopOnSignals,
} from "@messenger-ts/core";
import { isRestartSignalStore, type RestartSignalStore } from "@messenger-ts/core/transport";
import { DEFAULT_HEARTBEAT_INTERVAL } from "@messenger-ts/core/worker";
import type { ConsoleApplication } from "../application/console-application.js";
import { defineCommand } from "../console/console-command.js";
import type { ConsoleOutput } from "../console/console-output.js";
import { ExitCode } from "../console/exit-code.js";
import { collect, nonNegativeSeconds, positiveInteger, positiveSeconds } from "../console/option-parsers.js";
import { UsageError } from "../console/usage-error.js";
import { chooseReceivers } from "../worker-output/choose-receivers.js";
import { memoryLimit } from "../worker-output/memory-limit-option.js";
import { MessageLogListener } from "../worker-output/message-log-listener.js";
import { stopConditionsText } from "../worker-output/stop-conditions-text.js";
import { TransportOutageListener } from "../worker-output/transport-outage-listener.js";
import { WorkerStatusLine } from "../worker-output/worker-status-line.js";

export interface ConsumeCommandOptions {
  readonly limit?: number;
  readonly failureLimit?: number;
  readonly memoryLimit?: string;
  /** Seconds. */
  readonly timeLimit?: number;
  /** Seconds. */
  readonly sleep?: number;
  readonly bus?: string;
  readonly queues?: string[];
  readonly all?: boolean;
  readonly excludeReceivers?: string[];
  /** Seconds; `true` for the bare flag, `false` for `--no-keepalive`. */
  readonly keepalive?: number | boolean;
  /** False with `--no-reset`. */
  readonly reset: boolean;
  readonly concurrency?: number;
  readonly concurrencyLimit?: number;
  /** Seconds. */
  readonly gracePeriod: number;
  /** Seconds; 0 for no limit. */
  readonly outageLimit: number;
  /** False with `--no-heartbeat`. */
  readonly heartbeat: boolean;
  /** Seconds. */
  readonly heartbeatInterval?: number;
  /** Seconds. */
  readonly heartbeatTimeout?: number;
  /** Seconds. */
  readonly handlerTimeout?: number;
}

/** Symfony's `--keepalive` without a value. */
const DEFAULT_KEEPALIVE_SECONDS = 5;

/**
 * Below Kubernetes' default `terminationGracePeriodSeconds` (30 s): the worker gives up on a hung
 * handler, logs what it abandons and exits 1 before the kubelet's SIGKILL would cut it off mid-line.
 */
const DEFAULT_GRACE_PERIOD_SECONDS = 25;

/**
 * After an abort, how long the console waits for the process to end by itself before it exits:
 * an abandoned handler (a hung one) may keep the event loop busy forever, and a supervisor must
 * see the worker gone to start another.
 */
const ABANDONED_HANDLERS_EXIT_DELAY = 3_000;

/** Five minutes of a backend down: long enough for a restart or a failover, short enough to alert. */
const DEFAULT_OUTAGE_LIMIT_SECONDS = 300;

/**
 * `messenger:consume [receivers...]`: runs a worker over the receivers, in priority order, until a
 * stop condition, `messenger:stop-workers` or a signal stops it. The first SIGINT/SIGTERM lets the
 * messages in hand finish and be acknowledged (exit 0); a second one, or the end of the grace period,
 * aborts (exit 1), leaving them for redelivery. A transport down for longer than the outage limit,
 * or refusing its credentials, ends it with exit 1 too. Transport failures are printed at every
 * verbosity.
 */
export const consumeCommand = defineCommand<ConsumeCommandOptions>({
  name: "messenger:consume",
  description: "Consume messages",
  configure(command) {
    command
      .argument("[receivers...]", "names of the receivers/transports to consume, in priority order")
      .option("-l, --limit <count>", "limit the number of received messages", positiveInteger)
      .option(
        "-f, --failure-limit <count>",
        "the number of failed messages the worker can consume",
        positiveInteger,
      )
      .option("-m, --memory-limit <size>", "the memory limit the worker can consume (e.g. 128M)", memoryLimit)
      .option(
        "-t, --time-limit <seconds>",
        "the time limit in seconds the worker can handle new messages",
        positiveSeconds,
      )
      .option(
        "--sleep <seconds>",
        "seconds to sleep before asking for new messages after no messages were found",
        nonNegativeSeconds,
      )
      .option("-b, --bus <name>", "name of the bus to which received messages should be dispatched")
      .option(
        "--queues <name>",
        "limit receivers to only consume from the specified queues (repeatable)",
        collect,
      )
      .option("--all", "consume messages from all receivers")
      .option("--exclude-receivers <name>", "exclude a receiver when using --all (repeatable)", collect)
      .option(
        "--keepalive [seconds]",
        `keepalive interval in seconds (default with no value: ${DEFAULT_KEEPALIVE_SECONDS}; without the option: a third of each transport's redelivery timeout)`,
        positiveSeconds,
      )
      .option("--no-keepalive", "send no keepalive for long-running messages")
      .option("--no-reset", "do not reset the container's resettable services after each message")
      .option("--concurrency <count>", "how many messages are handled at once", positiveInteger)
      .option(
        "--concurrency-limit <count>",
        "at most this many messages of each consumed transport in handlers at once across every worker (overrides the transport's concurrencyLimit)",
        positiveInteger,
      )
      .option(
        "--grace-period <seconds>",
        "after a stop (time limit, signal...), how long the messages in hand may take before the worker aborts and exits 1",
        nonNegativeSeconds,
        DEFAULT_GRACE_PERIOD_SECONDS,
      )
      .option(
        "--outage-limit <seconds>",
        "stop with exit 1 when a transport has been failing for longer than this (0: no limit)",
        nonNegativeSeconds,
        DEFAULT_OUTAGE_LIMIT_SECONDS,
      )
      .option(
        "--heartbeat-interval <seconds>",
        "how often the worker publishes its heartbeat for messenger:workers (default: 10)",
        positiveSeconds,
      )
      .option(
        "--heartbeat-timeout <seconds>",
        "after how long without a heartbeat messenger:workers drops the worker (default: 3 heartbeat intervals)",
        positiveSeconds,
      )
      .option("--no-heartbeat", "publish no heartbeat: messenger:workers does not list this worker")
      .option(
        "--handler-timeout <seconds>",
        "how long each handler may run before it fails with HANDLER_TIMEOUT and its signal is aborted (a handler's or message class's own timeout comes first)",
        positiveSeconds,
      );
  },
  async execute({ args, options }, { output, interactive, application, signal }) {
    const app = await application();
    const { messenger } = app;
    const receivers = await chooseReceivers(messenger, {
      given: args[0] as string[],
      all: options.all,
      exclude: options.excludeReceivers,
      interactive,
      output,
      signal,
    });
    if (receivers === undefined) {
      // As Symfony when a question gets no answer: "Aborted.", exit 1.
      output.error("Aborted.");
      return ExitCode.Failure;
    }
    // A backend that would lose the queue on a restart (a Redis without persistence): say so at
    // every start, where the operator of a worker looks, not only at setup.
    for (const name of receivers) {
      const transport = messenger.getTransport(name);
      if (isWarningTransport(transport)) {
        for (const warning of await transport.warnings())
          output.warning(`The "${name}" transport: ${warning}`);
      }
    }
    const store = restartSignalStoreOf(app);
    const worker = createWorker(messenger, {
      ...workerOptions(messenger, receivers, options),
      restartSignalStore: store ?? false,
    });

    output.success(
      `Consuming messages from transport${receivers.length > 1 ? "s" : ""} "${receivers.join(", ")}".`,
    );
    const conditions = stopConditionsText({
      limit: options.limit,
      failureLimit: options.failureLimit,
      memoryLimit: options.memoryLimit,
      timeLimit: options.timeLimit,
      stopWorkers: store !== undefined,
    });
    if (conditions) output.comment(conditions);
    output.comment("Quit the worker with CONTROL-C.");
    if (!output.isVeryVerbose) {
      output.comment("Re-run the command with a -vv option to see logs about consumed messages.");
    }

    // Listeners on the messenger's dispatcher hear this worker's events (its own is a child).
    const offs: (() => void)[] = [];
    // At every verbosity: a worker whose backend is down must not look like an idle one.
    const outages = new TransportOutageListener({
      write: (text) => output.writeErr(text),
      colors: output.colors,
      now: () => messenger.clock.now(),
      quiet: output.isQuiet,
    });
    offs.push(outages.register(messenger.events));
    let status: WorkerStatusLine | undefined;
    if (output.isVeryVerbose) {
      const log = new MessageLogListener({
        write: (text) => output.writeErr(text),
        colors: output.colors,
        now: () => messenger.clock.now(),
        failureTransportFor: (name) => messenger.getFailureTransportName(name),
      });
      offs.push(log.register(messenger.events));
    } else if (output.isErrorTTY && !output.isQuiet) {
      status = new WorkerStatusLine({ write: (text) => output.writeErr(text) });
      offs.push(status.register(messenger.events));
      // Handlers and loggers print to the same terminal: keep their lines above the status.
      offs.push(
        status.interceptWrites(process.stdout.isTTY ? [process.stdout, process.stderr] : [process.stderr]),
      );
    }

    let aborted = false;
    const stopping = () => {
      if (worker.isStopping) return;
      output.comment(
        `Stopping: finishing the message(s) in hand (for at most ${options.gracePeriod} s); send the signal again to abort.`,
      );
      worker.stop();
    };
    const onAbort = () => stopping();
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) stopping();
    // The kernel turns the first signal into `signal`; a second one must abort the worker.
    offs.push(
      stopOnSignals(
        {
          stop: stopping,
          abort: () => {
            aborted = true;
            worker.abort();
          },
        },
        { logger: messenger.logger },
      ),
    );

    status?.start();
    try {
      await worker.run();
    } finally {
      status?.stop();
      signal.removeEventListener("abort", onAbort);
      for (const off of offs) off();
      if (worker.inHand.length > 0) exitDespiteAbandonedHandlers(output, worker.inHand.length);
    }
    if (aborted) {
      output.warning(
        "Aborted: the messages that were in hand were not acknowledged; they will be delivered again after the transport's redelivery timeout.",
      );
      return ExitCode.Failure;
    }
    return ExitCode.Success;
  },
});

/**
 * The worker aborted while handlers were running; they still run, and one that hangs may hold
 * the process forever. The timer does not keep Node alive itself: it fires only if something
 * else does.
 */
function exitDespiteAbandonedHandlers(output: ConsoleOutput, count: number): void {
  const timer = setTimeout(() => {
    output.error(
      `${count} abandoned handler(s) still running ${ABANDONED_HANDLERS_EXIT_DELAY / 1000} s after the worker stopped; exiting.`,
    );
    process.exit(ExitCode.Failure);
  }, ABANDONED_HANDLERS_EXIT_DELAY);
  timer.unref();
}

/** Maps the console options onto `createWorker`'s, checking what only the messenger can tell. */
function workerOptions(
  messenger: Messenger,
  receivers: readonly string[],
  options: ConsumeCommandOptions,
): ConsumeOptions {
  let bus: ConsumeOptions["bus"];
  if (options.bus !== undefined) {
    if (!messenger.busNames.includes(options.bus)) {
      throw new UsageError(
        `The bus "${options.bus}" does not exist; buses: ${messenger.busNames.join(", ")}.`,
        { code: "UNKNOWN_BUS" },
      );
    }
    bus = messenger.getBus(options.bus);
  }
  if (options.queues && options.queues.length > 0) {
    const notQueueAware = receivers.filter((name) => !isQueueReceiver(messenger.getTransport(name)));
    if (notQueueAware.length > 0) {
      throw new UsageError(
        `Receiver "${notQueueAware[0]}" does not support consuming from queues (--queues); queue-aware receivers: ${
          messenger.receiverNames
            .filter((name) => isQueueReceiver(messenger.getTransport(name)))
            .join(", ") || "none"
        }.`,
        { code: "QUEUES_NOT_SUPPORTED" },
      );
    }
  }
  return {
    receivers,
    limit: options.limit,
    failureLimit: options.failureLimit,
    memoryLimit: options.memoryLimit,
    timeLimit: options.timeLimit === undefined ? undefined : options.timeLimit * 1000,
    sleep: options.sleep === undefined ? undefined : options.sleep * 1000,
    bus,
    queues: options.queues,
    concurrency: options.concurrency,
    concurrencyLimit: options.concurrencyLimit,
    gracePeriod: options.gracePeriod * 1000,
    // Whole milliseconds, at least one: a fraction of a millisecond is rounded up, not refused.
    handlerTimeout:
      options.handlerTimeout === undefined ? undefined : Math.ceil(options.handlerTimeout * 1000),
    outageLimit: options.outageLimit === 0 ? undefined : options.outageLimit * 1000,
    keepaliveInterval: keepaliveInterval(messenger, receivers, options.keepalive),
    reset: options.reset,
    ...heartbeatOptions(options),
  };
}

function heartbeatOptions(
  options: ConsumeCommandOptions,
): Pick<ConsumeOptions, "heartbeatInterval" | "heartbeatTimeout"> {
  if (!options.heartbeat) return { heartbeatInterval: false };
  const interval = options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL / 1000;
  const timeout = options.heartbeatTimeout;
  if (timeout !== undefined && timeout <= interval) {
    throw new UsageError(
      `The --heartbeat-timeout (${timeout}s) must be longer than the heartbeat interval (${interval}s): a worker would vanish between two heartbeats.`,
      { code: "HEARTBEAT_TIMEOUT_TOO_SHORT" },
    );
  }
  return {
    heartbeatInterval: interval * 1000,
    heartbeatTimeout: timeout === undefined ? undefined : timeout * 1000,
  };
}

function keepaliveInterval(
  messenger: Messenger,
  receivers: readonly string[],
  keepalive: number | boolean | undefined,
): number | false | undefined {
  if (keepalive === undefined) return undefined;
  if (keepalive === false) return false;
  const seconds = keepalive === true ? DEFAULT_KEEPALIVE_SECONDS : keepalive;
  // As Symfony's transports do: a keepalive slower than the redelivery timeout comes too late.
  for (const name of receivers) {
    const receiver = messenger.getTransport(name);
    const timeout = isKeepaliveReceiver(receiver) ? receiver.redeliveryTimeout : undefined;
    if (timeout !== undefined && seconds * 1000 >= timeout) {
      throw new UsageError(
        `The --keepalive interval (${seconds}s) must be shorter than the redelivery timeout of "${name}" (${timeout / 1000}s).`,
        { code: "KEEPALIVE_TOO_LONG" },
      );
    }
  }
  return seconds * 1000;
}

/**
 * Where this worker looks for `messenger:stop-workers`' signal: the application's own store when
 * it names one, else the first transport that can hold it (every store gets the signal).
 */
function restartSignalStoreOf(app: ConsoleApplication): RestartSignalStore | undefined {
  if (app.restartSignalStores && app.restartSignalStores.length > 0) return app.restartSignalStores[0];
  const { messenger } = app;
  for (const name of messenger.transportNames) {
    const transport = messenger.getTransport(name);
    if (isRestartSignalStore(transport)) return transport;
  }
  return undefined;
}
