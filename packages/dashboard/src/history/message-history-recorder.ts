import {
  BusNameStamp,
  type Clock,
  type Envelope,
  ErrorDetailsStamp,
  type EventDispatcher,
  type Logger,
  messageTypes,
  nullLogger,
  SendMessageToTransportsEvent,
  SentAtStamp,
  systemClock,
  TransportMessageIdStamp,
  UndecodableMessage,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  WorkerStoppedEvent,
} from "@messenger-ts/core";
import type { WorkerListener } from "@messenger-ts/core/worker";
import type {
  MessageHistoryEntry,
  MessageHistoryRetention,
  MessageHistoryStore,
  MessageResult,
} from "./message-history-store.js";

export interface MessageHistoryRecorderOptions {
  /** How much history to keep. @defaultValue `{ maxAge: 7 days }` */
  readonly retention?: MessageHistoryRetention;
  /** Milliseconds between two writes of the entries gathered meanwhile. @defaultValue 1000 */
  readonly flushInterval?: number;
  /** Entries that trigger a write at once. @defaultValue 200 */
  readonly batchSize?: number;
  /** Milliseconds between two prunes (each deletes in batches). @defaultValue 60000 */
  readonly pruneInterval?: number;
  /** Rows one prune statement deletes at most. @defaultValue 1000 */
  readonly pruneBatch?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Entries kept in memory while the store cannot be written; older ones are dropped beyond it. */
const MAX_PENDING = 10_000;

const SEVEN_DAYS = 7 * 24 * 60 * 60_000;

/**
 * Records each message a worker handled or failed into a {@link MessageHistoryStore}
 * (zenstruck/messenger-monitor-bundle's history): register it on the messenger's events in the
 * workers' processes, and in the processes that dispatch (there it only stamps the dispatch time,
 * `SentAtStamp`, which gives the wait; without it the wait stays empty). Entries gather in memory and are written in batches every `flushInterval`
 * (and at the worker's stop), so handling waits for no write; the history is observation, so a
 * write that fails is logged and retried with the next batch, never an error of the message.
 */
export class MessageHistoryRecorder implements WorkerListener {
  readonly #store: MessageHistoryStore;
  readonly #retention: MessageHistoryRetention;
  readonly #flushInterval: number;
  readonly #batchSize: number;
  readonly #pruneInterval: number;
  readonly #pruneBatch: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** When each message in a handler was received (the message object is the same through its events). */
  readonly #received = new WeakMap<object, number>();
  #pending: MessageHistoryEntry[] = [];
  #writing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #lastPrune = 0;
  #failing = false;

  constructor(store: MessageHistoryStore, options: MessageHistoryRecorderOptions = {}) {
    this.#store = store;
    this.#retention = options.retention ?? { maxAge: SEVEN_DAYS };
    this.#flushInterval = options.flushInterval ?? 1_000;
    this.#batchSize = options.batchSize ?? 200;
    this.#pruneInterval = options.pruneInterval ?? 60_000;
    this.#pruneBatch = options.pruneBatch ?? 1_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    const offs = [
      // The dispatch time, for the wait: the same stamp the OpenTelemetry metrics add, kept by retries.
      events.on(SendMessageToTransportsEvent, (event) => {
        if (!event.envelope.has(SentAtStamp))
          event.envelope = event.envelope.with(new SentAtStamp(this.#clock.now()));
      }),
      events.on(WorkerMessageReceivedEvent, (event) => {
        this.#received.set(event.envelope.message, this.#clock.now());
      }),
      events.on(WorkerMessageHandledEvent, (event) =>
        this.#record(event.envelope, event.receiverName, "handled"),
      ),
      // After the retry (100) and failure transport (-100) listeners: whether it is retried is known.
      events.on(
        WorkerMessageFailedEvent,
        (event) => this.#record(event.envelope, event.receiverName, event.willRetry ? "retried" : "failed"),
        -200,
      ),
      events.on(WorkerStoppedEvent, () => this.flush()),
    ];
    this.#timer = setInterval(() => void this.flush(), this.#flushInterval);
    this.#timer.unref();
    return () => {
      for (const off of offs) off();
      clearInterval(this.#timer);
      this.#timer = undefined;
    };
  }

  /** Writes what was gathered, then prunes when `pruneInterval` has passed; one write at a time. */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  #record(envelope: Envelope, transport: string, result: MessageResult): void {
    const handledAt = this.#clock.now();
    const message = envelope.message;
    const receivedAt = this.#received.get(message) ?? handledAt;
    this.#received.delete(message);
    const dispatchedAt = envelope.last(SentAtStamp)?.sentAt ?? null;
    const error = result === "handled" ? undefined : envelope.last(ErrorDetailsStamp);
    const id = envelope.last(TransportMessageIdStamp)?.id;
    this.#pending.push({
      messageId: id === undefined ? null : String(id),
      type: typeOf(message),
      transport,
      bus: envelope.last(BusNameStamp)?.busName ?? null,
      dispatchedAt,
      receivedAt,
      handledAt,
      waitMs: dispatchedAt === null ? null : Math.max(0, receivedAt - dispatchedAt),
      handlingMs: handledAt - receivedAt,
      result,
      errorClass: error?.errorClass ?? null,
      // Bounded: a message is for reading on a page, not a dump.
      errorMessage: error?.errorMessage.slice(0, 2_000) ?? null,
    });
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
    if (this.#pending.length >= this.#batchSize) void this.flush();
  }

  async #write(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    try {
      await this.#store.add(batch);
      const now = this.#clock.now();
      if (now - this.#lastPrune >= this.#pruneInterval) {
        this.#lastPrune = now;
        await this.#store.prune(this.#retention, now, this.#pruneBatch);
      }
      if (this.#failing) {
        this.#failing = false;
        this.#logger.info({}, "The message history is written again");
      }
    } catch (error) {
      // Kept for the next write (in front of what came meanwhile), within MAX_PENDING.
      this.#pending = [...batch, ...this.#pending].slice(-MAX_PENDING);
      if (!this.#failing) {
        this.#failing = true;
        this.#logger.warn({ error }, "Could not write the message history; trying again with the next batch");
      }
    }
  }
}

function typeOf(message: object): string {
  if (message instanceof UndecodableMessage) return message.headers.type || "UndecodableMessage";
  const type = message.constructor as abstract new (...args: never[]) => object;
  return messageTypes.typeNameOf(type as never) ?? type.name;
}
