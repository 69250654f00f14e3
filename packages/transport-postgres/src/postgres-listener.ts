import type { Logger } from "@messenger-ts/core";
import pg from "pg";

/** Told about notifications on one channel, and about the connection being lost. */
export interface ListenerSubscriber {
  /** A notification arrived; `payload` is the queue name the trigger sent. */
  notify(payload: string): void;
  /** The LISTEN connection broke: notifications may have been missed, so look for messages now. */
  lost(): void;
}

/**
 * Where a channel's notifications stood at one moment while its LISTEN was in place: taken before a
 * statement is sent, it lets a later idle wait know that nothing was missed since.
 */
export interface ListenMark {
  readonly client: pg.Client;
  readonly channel: string;
  /** The number of notifications received on this connection up to then. */
  readonly received: number;
}

/**
 * The dedicated LISTEN connection of one database: a plain `pg.Client`, never a pooled one (a
 * pooled connection goes back to the pool and its LISTEN with it). One per database per process,
 * whatever the number of transports, channels and idle workers waiting on it.
 *
 * It connects on the first `listen()` and is not kept alive by retries: when it breaks (database
 * restart, `pg_terminate_backend`), subscribers are told and the next `listen()` connects afresh.
 * That keeps reconnection driven by the idle worker's own rhythm, with no background timers.
 */
export class PostgresListener {
  readonly #config: pg.ClientConfig;
  readonly #logger: Logger;
  readonly #subscribers = new Map<string, Set<ListenerSubscriber>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  /** Channels the current client LISTENs to (or is about to). */
  #listening = new Map<string, Promise<void>>();
  /** Channels whose LISTEN the current client has completed. */
  #listeningNow = new Set<string>();
  /** Notifications received by the current client, counted; and the count at the last one per channel and payload. */
  #received = 0;
  #lastReceived = new Map<string, Map<string, number>>();
  #closed = false;

  constructor(config: pg.ClientConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  /** Registers a subscriber; returns the function that removes it. Does not connect. */
  subscribe(channel: string, subscriber: ListenerSubscriber): () => void {
    let set = this.#subscribers.get(channel);
    if (!set) {
      set = new Set();
      this.#subscribers.set(channel, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
    };
  }

  /**
   * Resolves once notifications on `channel` reach the subscribers: connected and LISTENing.
   * Rejects with the driver error when the database cannot be reached.
   * @param channel a channel name built from validated identifiers (see schema.ts)
   */
  async listen(channel: string): Promise<void> {
    const client = await this.#connect();
    let listening = this.#listening.get(channel);
    if (!listening) {
      listening = client.query(`LISTEN "${channel}"`).then(() => {
        if (this.#client === client) this.#listeningNow.add(channel);
      });
      this.#listening.set(channel, listening);
      // A failed LISTEN must not stay cached as the channel's state.
      listening.catch(() => this.#listening.get(channel) === listening && this.#listening.delete(channel));
    }
    await listening;
  }

  /**
   * A mark of this moment, when the LISTEN on `channel` is in place now (undefined otherwise): any
   * notification the server sends on it later is either received after the mark or, if the
   * connection breaks first, reported to subscribers as lost. See {@link missedSince}.
   */
  mark(channel: string): ListenMark | undefined {
    const client = this.#client;
    if (!client || !this.#listeningNow.has(channel)) return undefined;
    return { client, channel, received: this.#received };
  }

  /**
   * Whether something may have been missed since `mark` by a subscriber that was not subscribed
   * meanwhile: a notification naming one of `payloads` arrived, or the connection of the mark is
   * gone (its notifications may be lost). False means: none arrived, and none was lost.
   */
  missedSince(mark: ListenMark, payloads: readonly string[]): boolean {
    if (mark.client !== this.#client || !this.#listeningNow.has(mark.channel)) return true;
    const last = this.#lastReceived.get(mark.channel);
    if (!last) return false;
    for (const payload of payloads) if ((last.get(payload) ?? 0) > mark.received) return true;
    return false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#drop();
    await client?.end().catch(() => undefined);
  }

  #connect(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error("the LISTEN connection was closed"));
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = new pg.Client(this.#config);
      // Without an error listener, a dropped connection would be an uncaught exception.
      client.on("error", (error) => this.#onLost(client, error));
      client.on("end", () => this.#onLost(client));
      client.on("notification", (message) => this.#dispatch(message.channel, message.payload ?? ""));
      try {
        await client.connect();
      } catch (error) {
        client.end().catch(() => undefined);
        throw error;
      }
      if (this.#closed) {
        await client.end().catch(() => undefined);
        throw new Error("the LISTEN connection was closed");
      }
      this.#client = client;
      this.#listening = new Map();
      this.#listeningNow = new Set();
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #dispatch(channel: string, payload: string): void {
    // Payloads are queue names, so this holds one number per queue notified on this database.
    let last = this.#lastReceived.get(channel);
    if (!last) {
      last = new Map();
      this.#lastReceived.set(channel, last);
    }
    last.set(payload, ++this.#received);
    const subscribers = this.#subscribers.get(channel);
    if (!subscribers) return;
    for (const subscriber of [...subscribers]) subscriber.notify(payload);
  }

  #onLost(client: pg.Client, error?: Error): void {
    if (client !== this.#client) return;
    this.#drop();
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#logger.warn(
      { error: error?.message },
      "PostgreSQL LISTEN connection lost; it reconnects when a worker next waits",
    );
    for (const set of this.#subscribers.values()) for (const subscriber of [...set]) subscriber.lost();
  }

  #drop(): void {
    this.#client = undefined;
    this.#listening = new Map();
    this.#listeningNow = new Set();
  }
}
