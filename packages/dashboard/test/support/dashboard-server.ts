import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  AsMessage,
  BusNameStamp,
  createMessenger,
  DEFAULT_BUS_NAME,
  defineHandler,
  Envelope,
  ErrorDetailsStamp,
  isListableReceiver,
  type Messenger,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import { InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import { SqliteTransportFactory } from "@messenger-ts/transport-sqlite";
import pg from "pg";
import { createDashboard, type DashboardOptions } from "../../src/index.js";

const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

/** Each app on PostgreSQL gets its own schema, dropped by `stop()`. */
let schemas = 0;

export class Job {
  constructor(
    readonly n: number,
    readonly text = "",
  ) {}
}
AsMessage("dashboard_test.job")(Job);

export class Report {
  constructor(readonly name: string) {}
}
AsMessage("dashboard_test.report")(Report);

/** An application with "async" and the failure transport "failed", in memory or in a SQLite file. */
export class DashboardApp {
  readonly handled: number[] = [];
  /** Jobs with these numbers throw. */
  readonly failing = new Set<number>();
  readonly messenger: Messenger;
  readonly #dir: string;
  #server: Server | undefined;
  baseUrl = "";
  /** Server-side time of the last request, in milliseconds, once the handler is done with it. */
  lastRequestMs: Promise<number> = Promise.resolve(0);

  readonly #schema: string | undefined;
  /** Another app's database this one shares (then that one drops it). */
  readonly #shared: boolean;

  /**
   * `extra`: more transports by name and DSN. `sameBackendAs`: the same database as that app (its
   * SQLite file or PostgreSQL schema), as a second process of the same application would have.
   */
  constructor(
    backend: "memory" | "sqlite" | "postgres",
    extra: Record<string, string> = {},
    sameBackendAs?: DashboardApp,
  ) {
    this.#shared = sameBackendAs !== undefined;
    this.#dir = sameBackendAs ? sameBackendAs.#dir : mkdtempSync(join(tmpdir(), "dashboard-test-"));
    this.#schema = sameBackendAs
      ? sameBackendAs.#schema
      : backend === "postgres"
        ? `mt_dashboard_${process.pid}_${++schemas}`
        : undefined;
    const dsn = (queue: string) =>
      backend === "memory"
        ? "in-memory://?serialize=true"
        : backend === "sqlite"
          ? `sqlite://${join(this.#dir, "app.sqlite")}?queue_name=${queue}`
          : `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}?schema=${this.#schema}&queue_name=${queue}`;
    this.messenger = createMessenger({
      transports: {
        async: { dsn: dsn("async"), retryStrategy: { maxRetries: 0 } },
        failed: dsn("failed"),
        ...extra,
      },
      failureTransport: "failed",
      transportFactories: [
        new InMemoryTransportFactory(),
        new SqliteTransportFactory(),
        new PostgresTransportFactory(),
      ],
      routing: { "dashboard_test.job": "async", "dashboard_test.report": "async" },
      handlers: [
        defineHandler(
          Job,
          (job: Job) => {
            if (this.failing.has(job.n)) throw new Error(`job ${job.n} failed on purpose`);
            this.handled.push(job.n);
          },
          { name: "handleJob" },
        ),
        defineHandler(Report, () => {}, { name: "handleReport" }),
      ],
    });
  }

  /** Serves the dashboard on a free port of `host` (default the loopback address); returns its URL. */
  async start(
    options: Omit<DashboardOptions, "messenger"> = { localOnly: true },
    host = "127.0.0.1",
  ): Promise<string> {
    await this.messenger.setup();
    const handler = createDashboard({ messenger: this.messenger, ...options });
    this.#server = createServer((request, response) => {
      const started = performance.now();
      this.lastRequestMs = handler(request, response).then(() => performance.now() - started);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, host, resolve));
    this.baseUrl = `http://${host}:${(this.#server.address() as AddressInfo).port}${options.basePath ?? ""}`;
    return this.baseUrl;
  }

  /**
   * Puts a message into "failed" as the failure listener leaves it; returns its id. It failed a
   * second ago: "retry all" leaves out messages that failed after it started, to the millisecond.
   */
  async park(
    message: object,
    error = "failed on purpose",
    failedAt = new Date(Date.now() - 1_000),
  ): Promise<string> {
    const sent = await this.messenger
      .getTransport("failed")
      .send(
        Envelope.wrap(message, [
          new BusNameStamp(DEFAULT_BUS_NAME),
          new ErrorDetailsStamp("Error", null, error, `Error: ${error}\n    at handler (app.ts:1:1)`),
          new SentToFailureTransportStamp("async"),
          new RedeliveryStamp(0, failedAt),
        ]),
      );
    return String(sent.last(TransportMessageIdStamp)!.id);
  }

  /** The message of "failed" with this id, if it is still there. */
  async findFailed(id: string): Promise<Envelope | undefined> {
    const failed = this.messenger.getTransport("failed");
    if (!isListableReceiver(failed)) throw new Error('"failed" cannot find messages');
    return failed.find(id);
  }

  async stop(): Promise<void> {
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
    await this.messenger.close();
    if (this.#shared) return;
    rmSync(this.#dir, { recursive: true, force: true });
    if (this.#schema !== undefined) {
      const client = new pg.Client(PG);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${this.#schema}" CASCADE`);
      } finally {
        await client.end();
      }
    }
  }
}

/** The `_csrf` value rendered in a page's forms. */
export function csrfOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error("the page has no CSRF input");
  return match[1]!;
}

export function post(
  url: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const each of Array.isArray(value) ? value : [value]) body.append(key, each);
  }
  return fetch(url, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}
