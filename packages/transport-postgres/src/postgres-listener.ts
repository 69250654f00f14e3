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
      listening = client.query(`LISTEN "${channel}"`).then(() => undefined);
      this.#listening.set(channel, listening);
      // A failed LISTEN must not stay cached as the channel's state.
      listening.catch(() => this.#listening.get(channel) === listening && this.#listening.delete(channel));
    }
    await listening;
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
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #dispatch(channel: string, payload: string): void {
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
  }
}
