import { type Envelope, isListableReceiver } from "@messenger-ts/core";
import {
  createLeadgenApp,
  type LeadgenApp,
  type LeadgenOptions,
  type LoadedFixtures,
  loadFixtures,
  type PostgresDomainStore,
} from "../../src/index.js";
import { type Consumption, consume } from "./consume.js";
import { dropSchema, PG_URL, schemaFor } from "./postgres.js";

/** Every retry delay a thousand times shorter: the seed's seconds become milliseconds. */
export const TEST_RETRY_DELAY_SCALE = 0.001;

export interface PgApp {
  readonly app: LeadgenApp;
  readonly schema: string;
  /** The fixtures as loaded by the last `reset()`. */
  fixtures: LoadedFixtures;
  /** Empties the queues, reloads the fixtures (which ends any simulated outage) and drops test listeners. */
  reset(): Promise<void>;
  /** Runs a real worker on the receivers until `until` holds. */
  consume(receivers: readonly string[], until: (consumption: Consumption) => boolean): Promise<Consumption>;
  /** What a transport holds, without claiming it. */
  queued(transport: string): Promise<readonly Envelope[]>;
  /** Registers something to undo at the next reset. */
  onReset(undo: () => void): void;
  close(): Promise<void>;
}

/**
 * The application on PostgreSQL, as in production (`doctrine://default` on DATABASE_URL), in a
 * schema of its own that `close()` drops: queues, domain tables and all.
 */
export async function startPgApp(file: string, options: LeadgenOptions = {}): Promise<PgApp> {
  const schema = schemaFor(file);
  await dropSchema(schema);
  const app = await createLeadgenApp({
    env: {},
    databaseUrl: PG_URL,
    databaseSchema: schema,
    retryDelayScale: TEST_RETRY_DELAY_SCALE,
    latencyMs: 0,
    scheduleStore: null,
    ...options,
  });
  await app.setup();
  const undo: (() => void)[] = [];
  const pg: PgApp = {
    app,
    schema,
    fixtures: await loadFixtures(app),
    async reset() {
      for (const fn of undo.splice(0)) fn();
      await (app.store as PostgresDomainStore).pool.query(`DELETE FROM "${schema}".messenger_messages`);
      pg.fixtures = await loadFixtures(app);
    },
    consume: (receivers, until) => consume(app.messenger, receivers, { until }),
    async queued(transport) {
      const receiver = app.messenger.getTransport(transport);
      if (!isListableReceiver(receiver)) throw new Error(`Transport ${transport} cannot list its messages.`);
      return receiver.all();
    },
    onReset(fn) {
      undo.push(fn);
    },
    async close() {
      try {
        await app.close();
      } finally {
        await dropSchema(schema);
      }
    },
  };
  return pg;
}
