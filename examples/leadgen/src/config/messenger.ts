import {
  InvalidArgumentError,
  type MessengerConfig,
  type RetryStrategyConfig,
  type TransportConfig,
} from "@messenger-ts/core";
import { dsnScheme } from "@messenger-ts/core/transport";
import { SymfonySerializer } from "@messenger-ts/symfony";
import { parseAmqpDsn } from "@messenger-ts/transport-amqp";
import type { DatabaseTarget } from "../app/database-target.js";
import type { LeadgenSettings } from "../app/leadgen-settings.js";

/*
 * The seed's messenger.yaml, key for key. With the default MESSENGER_TRANSPORT_DSN
 * (doctrine://default) this is exactly:
 *
 *   framework:
 *     messenger:
 *       failure_transport: failed
 *       transports:
 *         high_priority:
 *           dsn: "doctrine://default?queue_name=high"
 *           retry_strategy: { max_retries: 3, delay: 1000, multiplier: 2 }
 *         normal:
 *           dsn: "doctrine://default?queue_name=normal"
 *           retry_strategy: { max_retries: 3, delay: 5000, multiplier: 3 }
 *         low_priority:
 *           dsn: "doctrine://default?queue_name=low"
 *           retry_strategy: { max_retries: 2, delay: 30000, multiplier: 2 }
 *         failed: "doctrine://default?queue_name=failed"
 *       routing:
 *         App\Message\SendEmailMessage: high_priority
 *         ...                                           (ROUTING below)
 *
 * `doctrine://default` is the connection `default`: DATABASE_URL when it is PostgreSQL, else the
 * SQLite file. With MESSENGER_TRANSPORT_DSN=redis://… each transport is a Redis stream named after
 * its queue instead; with amqp://…/vhost/<exchange> each one is an exchange of RabbitMQ with a queue
 * of the same name, `<exchange>.<queue>` (messages.high, messages.normal…).
 */

/** Transport name → queue name (`queue_name` on the database, the stream on Redis, `<exchange>.<queue>` on AMQP). */
export const QUEUES = {
  high_priority: "high",
  normal: "normal",
  low_priority: "low",
  failed: "failed",
} as const;
export type QueueTransport = keyof typeof QUEUES;

/** The consuming order of a development worker: `messenger:consume high_priority normal low_priority`. */
export const PRIORITY_ORDER = ["high_priority", "normal", "low_priority"] as const;

/** `failure_transport` */
export const FAILURE_TRANSPORT = "failed";

/** `transports.<name>.retry_strategy`, in milliseconds, as the seed set them. */
export const RETRY_STRATEGIES = {
  high_priority: { maxRetries: 3, delay: 1000, multiplier: 2 },
  normal: { maxRetries: 3, delay: 5000, multiplier: 3 },
  low_priority: { maxRetries: 2, delay: 30000, multiplier: 2 },
} as const satisfies Record<(typeof PRIORITY_ORDER)[number], RetryStrategyConfig>;

/** `routing`, by the messages' type names: the seed's nine, then the scheduled maintenance tasks. */
export const ROUTING = {
  "leadgen.send_email": "high_priority",
  "leadgen.process_ses_webhook": "high_priority",
  "leadgen.analyze_lead": "normal",
  "leadgen.generate_proposal": "normal",
  "leadgen.generate_offer": "normal",
  "leadgen.sync_ares_data": "normal",
  "leadgen.discover_leads": "low_priority",
  "leadgen.take_screenshot": "low_priority",
  "leadgen.calculate_benchmarks": "low_priority",
  "leadgen.expire_proposals": "low_priority",
  "leadgen.check_ssl_certificates": "low_priority",
  "leadgen.clean_up_old_data": "low_priority",
} as const satisfies Record<string, (typeof PRIORITY_ORDER)[number]>;

/**
 * The `transports` and `routing` part of the configuration; `createLeadgenApp` adds the
 * schedule's transport, the handlers, the factories, the container, the clock and the logger.
 */
export function leadgenMessengerConfig(
  settings: Pick<LeadgenSettings, "database" | "transportDsn" | "retryDelayScale"> &
    Partial<Pick<LeadgenSettings, "symfony">>,
): Required<Pick<MessengerConfig, "failureTransport" | "transports" | "routing" | "connections">> {
  const serializer = settings.symfony ? new SymfonySerializer() : undefined;
  const queue = (transport: QueueTransport) => {
    const config = queueTransport(settings.transportDsn, QUEUES[transport], settings.database);
    return serializer ? sharedWithSymfony(config, serializer, settings.database) : config;
  };
  const retry = (strategy: RetryStrategyConfig): RetryStrategyConfig => ({
    ...strategy,
    delay: Math.round(strategy.delay! * settings.retryDelayScale),
  });
  return {
    failureTransport: FAILURE_TRANSPORT,
    transports: {
      high_priority: { ...queue("high_priority"), retryStrategy: retry(RETRY_STRATEGIES.high_priority) },
      normal: { ...queue("normal"), retryStrategy: retry(RETRY_STRATEGIES.normal) },
      low_priority: { ...queue("low_priority"), retryStrategy: retry(RETRY_STRATEGIES.low_priority) },
      failed: queue("failed"),
    },
    routing: ROUTING,
    connections: { default: settings.database.connection },
  };
}

/**
 * One queue on the transport DSN: `queue_name` for the database transports (`doctrine://`,
 * `postgres://`, `mysql://`, `sqlite://`), the stream for Redis, an exchange and a queue of their own on
 * AMQP; PostgreSQL transports also get the app's schema.
 */
export function queueTransport(baseDsn: string, queue: string, database: DatabaseTarget): TransportConfig {
  const scheme = dsnScheme(baseDsn);
  if (scheme === "redis" || scheme === "rediss") return { dsn: baseDsn, options: { stream: queue } };
  if (scheme === "amqp" || scheme === "amqps") {
    // Symfony's way to several queues on one broker: an exchange and a queue of their own each.
    const name = `${parseAmqpDsn(baseDsn).exchange ?? "messages"}.${queue}`;
    return { dsn: baseDsn, options: { exchange: { name }, queues: { [name]: {} } } };
  }
  if (
    scheme === "doctrine" ||
    scheme === "postgres" ||
    scheme === "postgresql" ||
    scheme === "mysql" ||
    scheme === "mariadb" ||
    scheme === "sqlite"
  ) {
    const onPostgres =
      scheme === "doctrine" ? database.kind === "postgres" : scheme === "postgres" || scheme === "postgresql";
    const schema = database.kind === "postgres" && onPostgres ? database.schema : undefined;
    return {
      dsn: withQueryParameter(baseDsn, "queue_name", queue),
      ...(schema !== undefined && schema !== "public" ? { options: { schema } } : {}),
    };
  }
  // Anything else (in-memory:// in tests): one transport per queue already.
  return { dsn: baseDsn };
}

/**
 * A queue shared with the seed's Symfony application: the transport in Symfony's layout (its
 * `symfony` option, PostgreSQL and Redis only) and Symfony's JSON serializer format.
 */
function sharedWithSymfony(
  config: TransportConfig,
  serializer: SymfonySerializer,
  database: DatabaseTarget,
): TransportConfig {
  const scheme = dsnScheme(config.dsn) ?? "";
  const onPostgres =
    scheme === "doctrine" ? database.kind === "postgres" : ["postgres", "postgresql"].includes(scheme);
  if (!onPostgres && scheme !== "redis" && scheme !== "rediss") {
    throw new InvalidArgumentError(
      `Cannot share the queues with Symfony (LEADGEN_SYMFONY) on ${scheme === "doctrine" ? "SQLite" : `${scheme}://`}: only the PostgreSQL and Redis transports have Symfony's layout.`,
      { code: "INVALID_LEADGEN_OPTION" },
    );
  }
  return { ...config, options: { ...config.options, symfony: true }, serializer };
}

/** Sets one query parameter, leaving the rest of the DSN (and any password in it) untouched. */
function withQueryParameter(dsn: string, key: string, value: string): string {
  const hash = dsn.indexOf("#");
  const base = hash < 0 ? dsn : dsn.slice(0, hash);
  const queryAt = base.indexOf("?");
  const query = new URLSearchParams(queryAt < 0 ? "" : base.slice(queryAt + 1));
  query.set(key, value);
  return `${queryAt < 0 ? base : base.slice(0, queryAt)}?${query.toString()}`;
}
