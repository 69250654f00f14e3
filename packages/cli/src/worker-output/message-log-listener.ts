import {
  DelayStamp,
  type Envelope,
  type EventDispatcher,
  messageTypes,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportMessageIdStamp,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  WorkerMessageRetriedEvent,
  WorkerRateLimitedEvent,
  WorkerTransportPausedEvent,
  WorkerTransportResumedEvent,
} from "@messenger-ts/core";
import type { createColors } from "picocolors";
import { type LogLineLevel, logLine } from "./log-line.js";

type Colors = ReturnType<typeof createColors>;

export interface MessageLogListenerOptions {
  /** Where the lines go (stderr). */
  readonly write: (text: string) => void;
  readonly colors: Colors;
  /** Clock milliseconds, for the time stamp of each line and the handling time. */
  readonly now: () => number;
  /** The failure transport of a receiver, to say where a message that is not retried went. */
  readonly failureTransportFor: (receiverName: string) => string | undefined;
}

/**
 * `messenger:consume -vv`: one line per step of each message on stderr (received, handled, failed
 * with the error, sent for retry with its delay, sent to the failure transport), from the worker
 * events. Symfony shows its logger's records there; these lines say the same in fewer words.
 */
export class MessageLogListener {
  readonly #options: MessageLogListenerOptions;
  /** When each message in hand was received, to tell how long it took. */
  readonly #receivedAt = new WeakMap<object, number>();
  /** The id of each failing message, for the retry line: the retry copy gets an id of its own. */
  readonly #failingId = new WeakMap<object, string | number>();

  constructor(options: MessageLogListenerOptions) {
    this.#options = options;
  }

  /** Subscribes to the events; the returned function unsubscribes. */
  register(events: EventDispatcher): () => void {
    const offs = [
      // Late, so the line shows the stamps other listeners added and whether one took it over.
      events.on(WorkerMessageReceivedEvent, (event) => this.#received(event), -1000),
      events.on(WorkerMessageHandledEvent, (event) => this.#handled(event), -1000),
      // Before the retry listener (100), so the error comes before the retry it causes.
      events.on(WorkerMessageFailedEvent, (event) => this.#failed(event), 1000),
      events.on(WorkerMessageRetriedEvent, (event) => this.#retried(event)),
      // After the failure-transport listener (-100) has sent the message, or decided not to.
      events.on(WorkerMessageFailedEvent, (event) => this.#outcome(event), -1000),
      events.on(WorkerRateLimitedEvent, (event) =>
        this.#line("INFO", `Transport "${event.transportName}" is rate limited; waiting ${event.waitMs} ms`),
      ),
      events.on(WorkerTransportPausedEvent, (event) =>
        this.#line(
          "INFO",
          `Transport "${event.transportName}" is paused (messenger:pause): not fetching from it`,
        ),
      ),
      events.on(WorkerTransportResumedEvent, (event) =>
        this.#line("INFO", `Transport "${event.transportName}" was resumed: fetching from it again`),
      ),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  #received(event: WorkerMessageReceivedEvent): void {
    const { envelope, receiverName } = event;
    this.#receivedAt.set(envelope.message, this.#options.now());
    const takenOver = event.shouldHandle() ? "" : " (taken over by a listener: not handled here)";
    this.#line("INFO", `Received message ${describe(envelope)} from "${receiverName}"${takenOver}`);
  }

  #handled(event: WorkerMessageHandledEvent): void {
    this.#line(
      "INFO",
      `Message ${describe(event.envelope)} handled successfully${this.#took(event.envelope)} (acknowledging to transport)`,
    );
  }

  #failed(event: WorkerMessageFailedEvent): void {
    const id = event.envelope.last(TransportMessageIdStamp)?.id;
    if (id !== undefined) this.#failingId.set(event.envelope.message, id);
    this.#line(
      "WARNING",
      `Error thrown while handling message ${describe(event.envelope)}${this.#took(event.envelope)}: ${event.error.message}`,
    );
  }

  #retried(event: WorkerMessageRetriedEvent): void {
    const retry = event.envelope;
    const count = RedeliveryStamp.getRetryCountFromEnvelope(retry);
    const delay = retry.last(DelayStamp)?.delay ?? 0;
    const id = retry.last(TransportMessageIdStamp)?.id;
    const failedId = this.#failingId.get(retry.message);
    const name = failedId === undefined ? messageName(retry) : `${messageName(retry)} (id ${failedId})`;
    this.#line(
      "WARNING",
      `Sent ${name} for retry #${count} using ${delay} ms delay to "${event.receiverName}"${id === undefined ? "" : ` (new id ${id})`}`,
    );
  }

  #outcome(event: WorkerMessageFailedEvent): void {
    const { envelope, receiverName } = event;
    this.#failingId.delete(envelope.message);
    if (event.willRetry) return;
    const retries = RedeliveryStamp.getRetryCountFromEnvelope(envelope);
    const after = `after ${retries} ${retries === 1 ? "retry" : "retries"}`;
    if (envelope.has(SentToFailureTransportStamp)) {
      // Consumed from a failure transport and failed again: core parks it there with a back-off.
      this.#line("ERROR", `Message ${describe(envelope)} failed again; it stays in "${receiverName}"`);
      return;
    }
    const failure = this.#options.failureTransportFor(receiverName);
    this.#line(
      "ERROR",
      failure === undefined
        ? `Message ${describe(envelope)} removed from "${receiverName}" ${after} (no failure transport)`
        : `Rejected message ${describe(envelope)} sent to the failure transport "${failure}" ${after}`,
    );
  }

  #took(envelope: Envelope): string {
    const at = this.#receivedAt.get(envelope.message);
    if (at === undefined) return "";
    this.#receivedAt.delete(envelope.message);
    return ` in ${Math.round(this.#options.now() - at)} ms`;
  }

  #line(level: LogLineLevel, text: string): void {
    this.#options.write(logLine(this.#options.colors, this.#options.now(), level, text));
  }
}

/** The message's wire type name (`app.send_email`), else its class name. */
export function messageName(envelope: Envelope): string {
  const type = envelope.message.constructor;
  return (type && messageTypes.typeNameOf(type as never)) ?? type?.name ?? "message";
}

function describe(envelope: Envelope): string {
  const id = envelope.last(TransportMessageIdStamp)?.id;
  const name = id === undefined ? messageName(envelope) : `${messageName(envelope)} (id ${id})`;
  return `${name}${scheduledTask(envelope)}`;
}

/**
 * For a message a schedule emitted, which task fired: the message's own string form when it has
 * one (a task's `@<service>::<method>`), its schedule and its trigger. By the stamp's name: the
 * scheduler is an optional peer of the CLI, not imported here.
 */
function scheduledTask(envelope: Envelope): string {
  for (const [type, stamps] of envelope.all()) {
    if ((type as { stampName?: unknown }).stampName !== "ScheduledStamp") continue;
    const stamp = stamps.at(-1) as { scheduleName?: unknown; trigger?: unknown };
    const message = envelope.message as object;
    const task = message.toString === Object.prototype.toString ? "" : `task ${String(message)} `;
    return ` [${task}of schedule "${String(stamp.scheduleName)}", ${String(stamp.trigger)}]`;
  }
  return "";
}
