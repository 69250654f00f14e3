import {
  type EventDispatcher,
  TransportMessageIdStamp,
  type TransportOperation,
  WorkerMessageAbandonedEvent,
  WorkerTransportFailedEvent,
  WorkerTransportRecoveredEvent,
} from "@messenger-ts/core";
import type { createColors } from "picocolors";
import { type LogLineLevel, logLine } from "./log-line.js";
import { messageName } from "./message-log-listener.js";
import { redactCredentials } from "./redact-credentials.js";

export interface TransportOutageListenerOptions {
  /** Where the lines go (stderr). */
  readonly write: (text: string) => void;
  readonly colors: ReturnType<typeof createColors>;
  /** Clock milliseconds, for the time stamp of each line. */
  readonly now: () => number;
  /** `-q`: the failures are errors and still printed; the recovery is not. */
  readonly quiet: boolean;
}

const DOING: Record<TransportOperation, string> = {
  receive: "receive messages from",
  acknowledge: "acknowledge messages to",
};

/**
 * `messenger:consume` at every verbosity: a transport that fails the worker (its first failure,
 * then the worker's reminders, at most one per report interval), its recovery, and the messages an
 * aborting worker abandoned. A worker whose backend is down must not look like an idle one.
 */
export class TransportOutageListener {
  readonly #options: TransportOutageListenerOptions;

  constructor(options: TransportOutageListenerOptions) {
    this.#options = options;
  }

  /** Subscribes to the events; the returned function unsubscribes. */
  register(events: EventDispatcher): () => void {
    const offs = [
      events.on(WorkerTransportFailedEvent, (event) => this.#failed(event)),
      events.on(WorkerTransportRecoveredEvent, (event) => this.#recovered(event)),
      events.on(WorkerMessageAbandonedEvent, (event) => this.#abandoned(event)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  #failed(event: WorkerTransportFailedEvent): void {
    const { transportName, operation } = event;
    const reason = redactCredentials(describeError(event.error));
    this.#line(
      "ERROR",
      event.isFirstFailure
        ? `Could not ${DOING[operation]} transport "${transportName}": ${reason}; will try again`
        : `Transport "${transportName}" is still failing after ${seconds(event.downFor)} s (${event.failures} attempts): ${reason}`,
    );
  }

  #recovered(event: WorkerTransportRecoveredEvent): void {
    if (this.#options.quiet) return;
    this.#line(
      "WARNING",
      `Transport "${event.transportName}" is reachable again after ${seconds(event.downFor)} s`,
    );
  }

  #abandoned(event: WorkerMessageAbandonedEvent): void {
    const id = event.envelope.last(TransportMessageIdStamp)?.id;
    const name = id === undefined ? messageName(event.envelope) : `${messageName(event.envelope)} (id ${id})`;
    this.#line(
      "ERROR",
      `Abandoned message ${name} from "${event.receiverName}": neither acknowledged nor rejected; it will be delivered again after the transport's redelivery timeout`,
    );
  }

  #line(level: LogLineLevel, text: string): void {
    const { colors, now, write } = this.#options;
    write(logLine(colors, now(), level, text));
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/** The error's message, and its cause's when that says more (a driver's own words). */
function describeError(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message && !error.message.includes(cause.message)) {
    return `${error.message} (${cause.message})`;
  }
  return error.message;
}
