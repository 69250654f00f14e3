import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createMessenger, InvalidArgumentError } from "@messenger-ts/core";
import { DEFAULT_DELIVERY_LIMIT } from "@messenger-ts/core/transport";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseSqliteDsn, SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import { factoryContext } from "./support/factory-context.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();

const factory = new SqliteTransportFactory();
const build = (dsn: string, options: Record<string, unknown> = {}, connections?: Record<string, string>) =>
  factory.createTransport(dsn, options, factoryContext(connections));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("parseSqliteDsn", () => {
  it("reads relative, absolute and in-memory forms, keeping case and dots", () => {
    expect(parseSqliteDsn("sqlite://var/app.sqlite").path).toBe("var/app.sqlite");
    expect(parseSqliteDsn("sqlite://Var/App.sqlite").path).toBe("Var/App.sqlite");
    expect(parseSqliteDsn("sqlite://../data/app.sqlite").path).toBe("../data/app.sqlite");
    expect(parseSqliteDsn("sqlite:///var/data/app.sqlite").path).toBe("/var/data/app.sqlite");
    expect(parseSqliteDsn("sqlite:////var/data/app.sqlite").path).toBe("//var/data/app.sqlite");
    expect(parseSqliteDsn("sqlite://:memory:").path).toBe(":memory:");
    expect(parseSqliteDsn("sqlite:///:memory:").path).toBe(":memory:");
    expect(parseSqliteDsn("sqlite://var/my%20app.sqlite").path).toBe("var/my app.sqlite");
    expect(parseSqliteDsn("sqlite://var/app@2.sqlite").path).toBe("var/app@2.sqlite");
  });

  it("refuses a user part, without showing its password", () => {
    expect(() => parseSqliteDsn("sqlite://u:secret@/var/app.sqlite")).toThrowError(
      /SQLite takes no user or password/,
    );
    try {
      parseSqliteDsn("sqlite://u:secret@/var/app.sqlite");
    } catch (error) {
      expect((error as Error).message).not.toContain("secret");
    }
  });

  it("reads the options after ?", () => {
    expect(parseSqliteDsn("sqlite://var/app.sqlite?queue_name=high&auto_setup=false")).toEqual({
      path: "var/app.sqlite",
      query: { queue_name: "high", auto_setup: "false" },
    });
  });

  it("refuses a DSN without a path, naming the forms it accepts", () => {
    for (const dsn of ["sqlite://", "sqlite:///", "sqlite://?queue_name=x", "sqlite://%zz"]) {
      expect(() => parseSqliteDsn(dsn), dsn).toThrowError(/sqlite:\/\/var\/app\.sqlite \(relative\)/);
    }
  });
});

describe("SqliteTransportFactory", () => {
  it("builds from the three sqlite:// forms without opening anything", () => {
    expect(build("sqlite://var/app.sqlite").path).toBe(resolve("var/app.sqlite"));
    expect(build("sqlite:///var/data/app.sqlite").path).toBe("/var/data/app.sqlite");
    expect(build("sqlite://:memory:").path).toBe(":memory:");
    expect(existsSync(resolve("var")), "a relative path must not be created before first use").toBe(false);
  });

  it("applies defaults, then the options object, then the DSN query", () => {
    const defaults = build("sqlite://:memory:");
    expect([defaults.tableName, defaults.queueName, defaults.redeliveryTimeout]).toEqual([
      "messenger_messages",
      "default",
      30_000,
    ]);
    const fromOptions = build("sqlite://:memory:", {
      queue_name: "low",
      redeliver_timeout: 5,
      table_name: "jobs",
    });
    expect([fromOptions.tableName, fromOptions.queueName, fromOptions.redeliveryTimeout]).toEqual([
      "jobs",
      "low",
      5_000,
    ]);
    const dsnWins = build("sqlite://:memory:?queue_name=high&redeliver_timeout=0.5", { queue_name: "low" });
    expect([dsnWins.queueName, dsnWins.redeliveryTimeout]).toEqual(["high", 500]);
    expect(dsnWins.name).toBe("async");
  });

  it("reads delivery_limit: default DEFAULT_DELIVERY_LIMIT, then the options object, then the DSN", () => {
    expect(build("sqlite://:memory:").deliveryLimit).toBe(DEFAULT_DELIVERY_LIMIT);
    expect(build("sqlite://:memory:", { delivery_limit: 9 }).deliveryLimit).toBe(9);
    expect(build("sqlite://:memory:?delivery_limit=1", { delivery_limit: "9" }).deliveryLimit).toBe(1);
  });

  it("honours auto_setup=false: nothing is created, and the error says so", async () => {
    const transport = build(`sqlite://${temp("no-setup.sqlite")}?auto_setup=false`);
    await expect(transport.getMessageCount()).rejects.toThrowError(/no such table: messenger_messages/);
    await transport.close();
  });

  it("rejects an unknown option from the DSN or the options object, listing the allowed ones", () => {
    const allowed = /allowed: table_name, queue_name, redeliver_timeout, delivery_limit, auto_setup/;
    expect(() => build("sqlite://:memory:?queue=high")).toThrowError(allowed);
    expect(() => build("sqlite://:memory:", { use_notify: true })).toThrowError(
      /Unknown option "use_notify"/,
    );
  });

  it("rejects bad values, naming the value and what is allowed", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ redeliver_timeout: "abc" }, /Invalid value "abc" for option "redeliver_timeout".*seconds > 0/],
      [{ redeliver_timeout: 0 }, /Invalid value 0 for option "redeliver_timeout"/],
      [{ redeliver_timeout: "-5" }, /Invalid value "-5"/],
      [{ redeliver_timeout: "1e3" }, /Invalid value "1e3"/],
      [{ auto_setup: "yes" }, /Invalid value "yes" for option "auto_setup".*true or false/],
      [{ auto_setup: 1 }, /Invalid value 1 for option "auto_setup"/],
      [{ delivery_limit: 0 }, /Invalid value 0 for option "delivery_limit".*whole number from 1 to/],
      [{ delivery_limit: "2.5" }, /Invalid value "2.5" for option "delivery_limit"/],
      [{ delivery_limit: "-1" }, /Invalid value "-1" for option "delivery_limit"/],
      [{ delivery_limit: null }, /Invalid value null for option "delivery_limit"/],
    ];
    for (const [options, message] of cases) {
      expect(() => build("sqlite://:memory:", options), JSON.stringify(options)).toThrowError(message);
      expect(() => build("sqlite://:memory:", options)).toThrowError(InvalidArgumentError);
    }
  });

  it("rejects table and queue names that could not be plain identifiers, before any SQL", () => {
    for (const table of ['x"; DROP TABLE y; --', "1abc", "sqlite_master", "a-b", "", "t".repeat(64)]) {
      expect(() => build("sqlite://:memory:", { table_name: table }), table).toThrowError(
        /option "table_name".*letters, digits and underscores/,
      );
    }
    for (const queue of ["a b", "", "-x", "q'; --", "q".repeat(191)]) {
      expect(() => build("sqlite://:memory:", { queue_name: queue }), queue).toThrowError(
        /option "queue_name"/,
      );
    }
    expect(build("sqlite://:memory:", { table_name: "T_1", queue_name: "app.high-prio_2" }).queueName).toBe(
      "app.high-prio_2",
    );
  });

  it("resolves doctrine://<connection> to a named sqlite:// connection, its DSN options applying first", () => {
    const connections = {
      default: `sqlite://${temp("app.sqlite")}?table_name=queue`,
      other: "sqlite://:memory:",
    };
    const transport = build("doctrine://default?queue_name=mail", {}, connections);
    expect([transport.path, transport.tableName, transport.queueName]).toEqual([
      temp("app.sqlite"),
      "queue",
      "mail",
    ]);
    expect(build("doctrine://other", {}, connections).path).toBe(":memory:");
  });

  it("names the known connections when doctrine:// names an unknown one", () => {
    expect(() =>
      build("doctrine://reporting", {}, { default: "sqlite://:memory:", audit: "sqlite://x" }),
    ).toThrowError(/Unknown connection "reporting".*known connections: default, audit/);
    expect(() => build("doctrine://default", {}, {})).toThrowError(
      /known connections: none \(set DATABASE_URL/,
    );
  });

  it("refuses a doctrine:// connection that is not SQLite, without showing its password", () => {
    const connections = { default: "postgres://app:s3cret@db:5432/app" };
    let error: unknown;
    try {
      build("doctrine://default", {}, connections);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/SqliteTransportFactory handles only sqlite:\/\/ connections/);
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("supports sqlite:// always, and doctrine:// only for SQLite or unknown connections", () => {
    expect(factory.supports("sqlite://var/app.sqlite", {})).toBe(true);
    expect(factory.supports("SQLite://:memory:", {})).toBe(true);
    expect(factory.supports("postgres://localhost/app", {})).toBe(false);
    expect(factory.supports("in-memory://", {})).toBe(false);
    const ctx = factoryContext({ default: "postgres://localhost/app", local: "sqlite://var/app.sqlite" });
    expect(factory.supports("doctrine://default", {}, ctx)).toBe(false);
    expect(factory.supports("doctrine://local?queue_name=x", {}, ctx)).toBe(true);
    expect(factory.supports("doctrine://unknown", {}, ctx)).toBe(true);
    // Without a context (core's registry today): the constructor's connections, else DATABASE_URL.
    const configured = new SqliteTransportFactory({ connections: { default: "postgres://localhost/app" } });
    expect(configured.supports("doctrine://default", {})).toBe(false);
    vi.stubEnv("DATABASE_URL", "postgresql://localhost/app");
    expect(factory.supports("doctrine://default", {})).toBe(false);
    vi.stubEnv("DATABASE_URL", "sqlite://var/app.sqlite");
    expect(factory.supports("doctrine://default", {})).toBe(true);
  });

  it("refuses other schemes when called directly", () => {
    expect(() => build("redis://localhost")).toThrowError(/cannot build transport "async"/);
  });

  it("builds transports for a messenger, doctrine://default coming from DATABASE_URL", async () => {
    vi.stubEnv("DATABASE_URL", `sqlite://${temp("messenger.sqlite")}`);
    const messenger = createMessenger({
      transports: {
        async: "doctrine://default?queue_name=async",
        failed: `sqlite://${temp("messenger.sqlite")}?queue_name=failed`,
      },
      transportFactories: [new SqliteTransportFactory()],
    });
    const async = messenger.getTransport("async") as SqliteTransport;
    const failed = messenger.getTransport("failed") as SqliteTransport;
    expect(async).toBeInstanceOf(SqliteTransport);
    expect([async.path, async.queueName, failed.queueName]).toEqual([
      temp("messenger.sqlite"),
      "async",
      "failed",
    ]);
    await messenger.setup();
    // One file, one handle per process: both transports see the same database.
    expect(async.database).toBe(failed.database);
    await messenger.close();
  });
});
