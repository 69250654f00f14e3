import { InvalidArgumentError, TransportAuthenticationError } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { MysqlTransport, MysqlTransportFactory } from "../src/index.js";
import { checkServerVersion } from "../src/server-version.js";
import { createTransport, factoryContext, MY, mysqlUp } from "./support/mysql.js";

const factory = new MysqlTransportFactory();
const build = (
  dsn: string,
  options: Record<string, unknown> = {},
  connections: Record<string, string> = {},
) => factory.createTransport(dsn, options, factoryContext("async", connections));

describe("MysqlTransportFactory", () => {
  it("builds from mysql://, mariadb:// and doctrine:// naming a MySQL connection, with Symfony's option names", () => {
    const a = build("mysql://app:secret@db:3307/shop?queue_name=high&table_name=jobs&redeliver_timeout=90");
    expect(a).toBeInstanceOf(MysqlTransport);
    expect([a.queueName, a.tableName, a.redeliveryTimeout, a.database, a.autoSetup]).toEqual([
      "high",
      "jobs",
      90_000,
      "shop",
      true,
    ]);
    const b = build("mariadb://root@127.0.0.1/shop?auto_setup=false&delivery_limit=3");
    expect([b.autoSetup, b.deliveryLimit, b.queueName]).toEqual([false, 3, "default"]);
    const c = build(
      "doctrine://default?queue_name=low",
      {},
      { default: "mysql://u:p@h/app?serverVersion=10.11.6-MariaDB&charset=utf8mb4" },
    );
    expect([c.queueName, c.database]).toEqual(["low", "app"]);
  });

  it("claims doctrine:// only for MySQL connections (or unknown ones, to list the known)", () => {
    const context = (url: string) => ({ connections: { default: url } });
    expect(factory.supports("doctrine://default", {}, context("mysql://h/app"))).toBe(true);
    expect(factory.supports("doctrine://default", {}, context("mariadb://h/app"))).toBe(true);
    expect(factory.supports("doctrine://default", {}, context("postgres://h/app"))).toBe(false);
    expect(factory.supports("doctrine://other", {}, context("postgres://h/app"))).toBe(true);
    expect(factory.supports("mysql://h/app")).toBe(true);
    expect(factory.supports("redis://h")).toBe(false);
  });

  it("refuses unknown options, bad values and a DSN without a database, naming them and what is allowed", () => {
    expect(() => build("mysql://h/app?use_notify=true")).toThrow(
      /Unknown option "use_notify".*allowed: table_name, queue_name/,
    );
    expect(() => build("mysql://h/app?poll_interval=5")).toThrow(/poll_interval.*10 to 60000/);
    expect(() => build("mysql://h/app?table_name=bad-name")).toThrow(InvalidArgumentError);
    expect(() => build("mysql://u:hunter2@h:3306")).toThrow(/names no database/);
    expect(() => build("mysql://u:hunter2@h:3306")).not.toThrow(/hunter2/);
    expect(() => build("doctrine://default", {}, { default: "mysql://u:p@h/app?sslmode=require" })).toThrow(
      /Unknown parameter "sslmode"/,
    );
  });
});

describe("server versions", () => {
  it("accepts MariaDB 10.6+ and MySQL 8.0.1+, and refuses older ones naming both versions", () => {
    expect(checkServerVersion("10.11.6-MariaDB-0+deb12u1", "x").product).toBe("MariaDB");
    expect(checkServerVersion("5.5.5-10.6.0-MariaDB", "x").minor).toBe(6);
    expect(checkServerVersion("8.0.36", "x").product).toBe("MySQL");
    expect(() => checkServerVersion("10.5.23-MariaDB", "x")).toThrow(
      /MariaDB 10\.6 or later.*MariaDB 10\.5\.23/,
    );
    expect(() => checkServerVersion("5.7.44-log", "x")).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_SERVER_VERSION" }),
    );
    expect(() => checkServerVersion("8.0.0", "x")).toThrow(/MySQL 8\.0\.0/);
  });
});

describe.skipIf(!mysqlUp)("errors of a real server", () => {
  it("a refused login is a TransportAuthenticationError that shows no password", async () => {
    const transport = factory.createTransport(
      `mysql://nobody:hunter2@${MY.host}:${MY.port}/test`,
      {},
      factoryContext(),
    );
    try {
      const error = await transport.getMessageCount().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportAuthenticationError);
      expect(String((error as Error).message)).not.toContain("hunter2");
    } finally {
      await transport.close();
    }
  });

  it("a producer gets a TransportError naming the server within the connect timeout when it is down", async () => {
    const transport = createTransport("test", {}, factoryContext());
    const down = factory.createTransport("mysql://root@127.0.0.1:1/test", {}, factoryContext());
    try {
      await expect(down.getMessageCount()).rejects.toThrow(/127\.0\.0\.1:1\/test/);
    } finally {
      await Promise.all([transport.close(), down.close()]);
    }
  });
});
