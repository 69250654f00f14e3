import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  createMessenger,
  createWorker,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  type Messenger,
  RedeliveryStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import { type PostgresTransport, PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForeignStamp, SymfonySerializer } from "../src/index.js";
import { nodeHandled, SendEmailHandler, SendEmailMessage } from "./support/messages.js";
import { PhpApp, requirePhp, waitFor } from "./support/php.js";

const HOST = process.env.PGHOST ?? "127.0.0.1";
const PORT = Number(process.env.PGPORT ?? 5432);
const USER = process.env.PGUSER ?? "postgres";
const pgUp = await requireService("PostgreSQL", { host: HOST, port: PORT });
const phpUp = requirePhp();
const CLI = fileURLToPath(new URL("../node_modules/@messenger-ts/cli/bin/messenger.js", import.meta.url));
const CLI_CONFIG = fileURLToPath(new URL("./fixtures/messenger.config.mjs", import.meta.url));

describe.skipIf(!pgUp || !phpUp)(
  "PostgreSQL shared with Symfony Messenger 5.4 (Doctrine transport)",
  { timeout: 60_000 },
  () => {
    // A database of its own: Symfony's trigger and table names have no schema.
    const database = `mt_symfony_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({
      host: HOST,
      port: PORT,
      user: USER,
      database: process.env.PGDATABASE ?? "test",
    });
    const opened: Messenger[] = [];
    const apps: PhpApp[] = [];

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
    });

    afterAll(async () => {
      for (const messenger of opened) await messenger.close();
      for (const app of apps) app.cleanup();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    });

    // Symfony's PostgreSQL connection looks for due delayed rows only every check_delayed_interval
    // (60 s by default) once its queue ran empty; NOTIFY tells it of new rows only.

    /** Both sides on `table`: queue "jobs" (retried once after 100 ms) and the failure queue "failed". */
    function sides(table: string) {
      const php = new PhpApp(
        {
          jobs: {
            type: "doctrine",
            dsn: `pgsql://${USER}@${HOST}:${PORT}/${database}`,
            options: { table_name: table, queue_name: "jobs", check_delayed_interval: 100 },
          },
          failed: {
            type: "doctrine",
            dsn: `pgsql://${USER}@${HOST}:${PORT}/${database}`,
            options: { table_name: table, queue_name: "failed", check_delayed_interval: 100 },
          },
        },
        "failed",
      );
      apps.push(php);
      const serializer = new SymfonySerializer();
      const dsn = (queue: string) =>
        `postgres://${USER}@${HOST}:${PORT}/${database}?symfony=true&table_name=${table}&queue_name=${queue}`;
      const messenger = createMessenger({
        transports: {
          jobs: { dsn: dsn("jobs"), serializer, retryStrategy: { maxRetries: 1, delay: 100 } },
          failed: { dsn: dsn("failed"), serializer },
        },
        failureTransport: "failed",
        routing: { "interop.send_email": "jobs" },
        transportFactories: [new PostgresTransportFactory()],
        handlers: [SendEmailHandler],
      });
      opened.push(messenger);
      const transport = (name: string) => messenger.getTransport(name) as unknown as PostgresTransport;
      /** Runs a worker until `done`; `limit` stops it after that many messages (a retry it sent stays for PHP). */
      async function consumeUntil(done: () => boolean | Promise<boolean>, what: string, limit?: number) {
        const worker = createWorker(messenger, {
          receivers: ["jobs"],
          sleep: 50,
          timeLimit: 30_000,
          ...(limit === undefined ? {} : { limit }),
        });
        const running = worker.run();
        try {
          await waitFor(done, what);
        } finally {
          worker.stop();
          await running;
        }
      }
      return { php, messenger, transport, consumeUntil };
    }

    describe.each([
      ["messenger-ts", "node_made"],
      ["Symfony", "php_made"],
    ])("on a table %s created", (creator, table) => {
      const side = sides(table);

      beforeAll(async () => {
        // The creator's setup makes the table, the other side's accepts it and changes nothing.
        if (creator === "Symfony") {
          await side.php.run("setup", "jobs");
          await side.transport("jobs").setup();
        } else {
          await side.transport("jobs").setup();
          await side.php.run("setup", "jobs");
        }
      });

      it("PHP dispatches, at once and delayed, and messenger-ts handles both", async () => {
        nodeHandled.length = 0;
        await side.php.dispatch("jobs", { offerId: 1, to: "now@example.com" }, 0, "acme");
        await side.php.dispatch("jobs", { offerId: 2, to: "later@example.com" }, 1000);
        await side.consumeUntil(() => nodeHandled.length === 2, "both PHP messages handled in Node");
        expect(nodeHandled).toEqual([
          { offerId: 1, to: "now@example.com" },
          { offerId: 2, to: "later@example.com" },
        ]);
        expect(await side.transport("jobs").getStoredMessageCount()).toBe(0);
      });

      it("messenger-ts dispatches, at once and delayed, and PHP handles both", async () => {
        await side.messenger.bus.dispatch(new SendEmailMessage(3, "now@example.com", "Offer"));
        // Symfony counts it as available at once: available_at is not ahead of its clock, which it
        // truncates to the second (our clock's milliseconds would hide it until the next second).
        expect(await side.php.run("count", "jobs")).toBe("1");
        await side.messenger.bus.dispatch(
          Envelope.wrap(new SendEmailMessage(4, "later@example.com"), [new DelayStamp(1000)]),
        );
        await side.php.consume("jobs", 2);
        expect(side.php.handled()).toEqual([
          {
            side: "php",
            class: "App\\Message\\SendEmailMessage",
            offerId: 3,
            to: "now@example.com",
            subject: "Offer",
          },
          {
            side: "php",
            class: "App\\Message\\SendEmailMessage",
            offerId: 4,
            to: "later@example.com",
            subject: "",
          },
        ]);
        expect(await side.transport("jobs").getStoredMessageCount()).toBe(0);
      });
    });

    describe("retries and one shared failure transport", () => {
      const side = sides("shared");
      const failedShow = () =>
        spawnSync(process.execPath, [CLI, "--config", CLI_CONFIG, "messenger:failed:show"], {
          encoding: "utf8",
          env: {
            ...process.env,
            PGUSER: USER,
            SYMFONY_TEST_DATABASE: database,
            SYMFONY_TEST_TABLE: "shared",
          },
        });

      it("a failure in Node is retried by PHP, a failure in PHP by Node; both end in the failure transport both sides list", async () => {
        nodeHandled.length = 0;
        // Node fails it first, PHP handles the retry, fails it too and parks it.
        await side.messenger.bus.dispatch(new SendEmailMessage(5, "fail-node-then-php@example.com"));
        // One message only: Node's own retry (due at once, Symfony's times are whole seconds) must be
        // left for PHP's worker, not taken by this one before it stops.
        await side.consumeUntil(() => nodeHandled.length >= 1, "the first delivery in Node", 1);
        expect(nodeHandled).toHaveLength(1);
        await side.php.consume("jobs", 1);
        expect(side.php.handled()).toMatchObject([{ offerId: 5 }]);
        // PHP fails one first (its TenantStamp on it), Node handles the retry, fails it and parks it.
        await side.php.dispatch("jobs", { offerId: 6, to: "fail-php-then-node@example.com" }, 0, "acme");
        await side.php.consume("jobs", 1);
        await side.consumeUntil(
          async () => (await side.transport("failed").getStoredMessageCount()) === 2,
          "both messages in the failure transport",
        );
        expect(nodeHandled).toEqual([
          { offerId: 5, to: "fail-node-then-php@example.com" },
          { offerId: 6, to: "fail-php-then-node@example.com" },
        ]);

        const parked = await side.transport("failed").all();
        expect(parked.map((envelope) => envelope.last(ErrorDetailsStamp)?.errorMessage)).toEqual([
          "SMTP refused fail-node-then-php@example.com (PHP)",
          "SMTP refused fail-php-then-node@example.com (Node)",
        ]);
        for (const envelope of parked) {
          expect(envelope.all(RedeliveryStamp).map((stamp: RedeliveryStamp) => stamp.retryCount)).toEqual([
            1, 0,
          ]);
        }
        expect(parked[1]?.all(ForeignStamp).map((stamp: ForeignStamp) => stamp.className)).toContain(
          "App\\Stamp\\TenantStamp",
        );

        const php = await side.php.failedShow();
        expect(php).toContain("There are 2 messages pending in the failure transport.");
        expect(php).toContain("SMTP refused fail-node-then-php@example.com (PHP)");
        expect(php).toContain("SMTP refused fail-php-then-node@example.com (Node)");
        const node = failedShow();
        expect(node.status, node.stderr).toBe(0);
        // The count is a status line (stderr), the table is the output (stdout).
        expect(node.stderr).toContain("There are 2 messages pending in the failure transport.");
        expect(node.stdout).toContain("SMTP refused fail-node-then-php@example.com (PHP)");
        expect(node.stdout).toContain("SMTP refused fail-php-then-node@example.com (Node)");
      });

      it("a PHP message of a type messenger-ts does not know is parked whole, not deleted; PHP lists and handles it", async () => {
        await side.php.dispatch("jobs", { index: "offers" });
        await side.consumeUntil(
          async () => (await side.transport("failed").getStoredMessageCount()) === 3,
          "the undecodable message parked",
        );
        const parked = (await side.transport("failed").all()).at(-1)?.message;
        expect(parked).toBeInstanceOf(UndecodableMessage);
        expect((parked as UndecodableMessage).headers.type).toBe("App\\Message\\RebuildSearchIndexMessage");
        expect(await side.php.failedShow()).toContain(
          "There are 3 messages pending in the failure transport.",
        );
        await side.php.run("consume", "failed", "3", "20");
        expect(side.php.handled().at(-1)).toEqual({
          side: "php",
          class: "App\\Message\\RebuildSearchIndexMessage",
          index: "offers",
        });
      });
    });
  },
);
