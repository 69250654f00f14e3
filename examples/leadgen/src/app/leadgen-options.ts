import { type Clock, InvalidArgumentError, type Logger, type TransportFactory } from "@messenger-ts/core";
import type { CheckpointStore, LockStore } from "@messenger-ts/scheduler";
import { resolveDatabaseTarget } from "./database-target.js";
import type { DiscoveryBatch, LeadgenSettings } from "./leadgen-settings.js";

/**
 * What `createLeadgenApp` takes. Each option falls back to its environment variable, then to the
 * default; the README's configuration table lists them.
 */
export interface LeadgenOptions {
  /** `DATABASE_URL`: postgres://… or sqlite://…. Default: the SQLite file `sqlitePath`. */
  readonly databaseUrl?: string;
  /** `LEADGEN_SQLITE_PATH`. @defaultValue "var/leadgen.sqlite" (relative to the working directory) */
  readonly sqlitePath?: string;
  /** `LEADGEN_DB_SCHEMA`: the PostgreSQL schema of everything the app stores. @defaultValue "public" */
  readonly databaseSchema?: string;
  /** `MESSENGER_TRANSPORT_DSN`: where the queues live. @defaultValue "doctrine://default" (the database) */
  readonly transportDsn?: string;
  /**
   * `LEADGEN_SYMFONY` (`1` / `true`): share the queues with the seed's Symfony application. The
   * PostgreSQL or Redis transports work in Symfony's layout (their `symfony` option) with the
   * Symfony serializer; each message is the PHP class `App\Message\<class name>`. @defaultValue false
   */
  readonly symfony?: boolean;
  /** `LEADGEN_LATENCY_MS`: base of the simulated latency; 0 turns it off. @defaultValue 30 */
  readonly latencyMs?: number;
  /** `LEADGEN_RETRY_DELAY_SCALE`: multiplies the retry delays (0.001 makes seconds milliseconds). @defaultValue 1 */
  readonly retryDelayScale?: number;
  /** `LEADGEN_DISCOVERY_CRON`: when the batch discovery runs; "off" or null switches it off. @defaultValue every six hours ({@link DEFAULT_DISCOVERY_CRON}) */
  readonly discoveryCron?: string | null;
  /** `LEADGEN_DISCOVERY_BATCHES` ("source:query:limit;..."): what the batch discovery searches. */
  readonly discoveryBatches?: readonly DiscoveryBatch[];
  /** `LEADGEN_TIMEZONE`: the schedule's time zone. @defaultValue "Europe/Prague" */
  readonly timezone?: string;
  /** The clock of the messenger, the schedule and the services. @defaultValue the system clock */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Lock and checkpoint of the schedule, so several workers can consume it and a restart catches
   * up. Default: tables in the application's database; `null`: neither (one worker, no catch-up).
   */
  readonly scheduleStore?: (LockStore & CheckpointStore) | null;
  /** Extra transport factories (tests add the in-memory one). */
  readonly transportFactories?: readonly TransportFactory[];
  /** How long the metrics keep a transport's count, in ms (tests shorten it). @defaultValue 15000 */
  readonly metricsCountCacheTtl?: number;
  /** Create the domain tables at start. @defaultValue true */
  readonly autoSetup?: boolean;
  /**
   * `LEADGEN_MESSAGE_HISTORY`: record every handled and failed message into `messenger_history`
   * and show it on the dashboard's history page. @defaultValue false
   */
  readonly messageHistory?: boolean;
  /** Where the environment variables are read. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_SQLITE_PATH = "var/leadgen.sqlite";
export const DEFAULT_TRANSPORT_DSN = "doctrine://default";
export const DEFAULT_LATENCY_MS = 30;
export const DEFAULT_DISCOVERY_CRON = "0 */6 * * *";
export const DEFAULT_TIMEZONE = "Europe/Prague";
export const DEFAULT_DISCOVERY_BATCHES: readonly DiscoveryBatch[] = [
  { source: "firmy_cz", query: "restaurace Praha", limit: 5 },
  { source: "google_maps", query: "autoservis Brno", limit: 5 },
];

/** Options, then environment variables, then defaults; every value checked. */
export function resolveLeadgenSettings(options: LeadgenOptions = {}): LeadgenSettings {
  const env = options.env ?? process.env;
  const text = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
  const schema = options.databaseSchema ?? text(env.LEADGEN_DB_SCHEMA) ?? "public";
  const database = resolveDatabaseTarget(
    options.databaseUrl ?? text(env.DATABASE_URL),
    options.sqlitePath ?? text(env.LEADGEN_SQLITE_PATH) ?? DEFAULT_SQLITE_PATH,
    schema,
  );
  const discoveryCron =
    options.discoveryCron !== undefined
      ? options.discoveryCron
      : (text(env.LEADGEN_DISCOVERY_CRON) ?? DEFAULT_DISCOVERY_CRON);
  return {
    database,
    transportDsn: options.transportDsn ?? text(env.MESSENGER_TRANSPORT_DSN) ?? DEFAULT_TRANSPORT_DSN,
    symfony: options.symfony ?? flag("symfony", text(env.LEADGEN_SYMFONY)),
    latencyMs: number("latencyMs", options.latencyMs ?? text(env.LEADGEN_LATENCY_MS) ?? DEFAULT_LATENCY_MS),
    retryDelayScale: number(
      "retryDelayScale",
      options.retryDelayScale ?? text(env.LEADGEN_RETRY_DELAY_SCALE) ?? 1,
    ),
    discoveryCron: discoveryCron === null || discoveryCron === "off" ? null : discoveryCron,
    discoveryBatches:
      options.discoveryBatches ??
      parseDiscoveryBatches(text(env.LEADGEN_DISCOVERY_BATCHES)) ??
      DEFAULT_DISCOVERY_BATCHES,
    timezone: options.timezone ?? text(env.LEADGEN_TIMEZONE) ?? DEFAULT_TIMEZONE,
  };
}

function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new InvalidArgumentError(`Invalid ${name} ${JSON.stringify(value)}: expected 1, true, 0 or false.`, {
    code: "INVALID_LEADGEN_OPTION",
  });
}

function number(name: string, value: number | string): number {
  const parsed = typeof value === "string" ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError(
      `Invalid ${name} ${JSON.stringify(value)}: expected a finite number >= 0.`,
      { code: "INVALID_LEADGEN_OPTION" },
    );
  }
  return parsed;
}

/** "firmy_cz:restaurace Praha:10;google_maps:autoservis Brno:5" */
export function parseDiscoveryBatches(value: string | undefined): DiscoveryBatch[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(";")
    .filter((part) => part.trim() !== "")
    .map((part) => {
      const match = /^\s*([^:]+):(.+):(\d+)\s*$/.exec(part);
      if (!match) {
        throw new InvalidArgumentError(
          `Invalid discovery batch ${JSON.stringify(part)} in LEADGEN_DISCOVERY_BATCHES: expected "source:query:limit", batches separated by ";".`,
          { code: "INVALID_LEADGEN_OPTION" },
        );
      }
      return { source: match[1]!.trim(), query: match[2]!.trim(), limit: Number(match[3]) };
    });
}
