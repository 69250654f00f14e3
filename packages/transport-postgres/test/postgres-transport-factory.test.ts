import {
  createMessenger,
  Envelope,
  InvalidArgumentError,
  TransportAuthenticationError,
  TransportError,
} from "@messenger-ts/core";
import { TransportFactoryRegistry } from "@messenger-ts/core/transport";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresTransport, PostgresTransportFactory } from "../src/index.js";
import { adminPool, dropSchema, factoryContext, Job, PG, pgUp, schemaFor } from "./support/postgres.js";

const factory = new PostgresTransportFactory();
const CONFIGURATION_ERROR = Symbol.for("messenger-ts.configuration-error");
const context = factoryContext();
const server = `${PG.host}:${PG.port}/${PG.database}`;

function build(dsn: string, options: Record<string, unknown> = {}, connections: Record<string, string> = {}) {
  return factory.createTransport(dsn, options, factoryContext("async", connections));
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("PostgresTransportFactory: DSNs and options (no database needed)", () => {
  it("supports postgres://, postgresql:// and doctrine://, nothing else", () => {
    expect(factory.supports("postgres://u@h/db", {})).toBe(true);
    expect(factory.supports("POSTGRESQL://u@h/db", {})).toBe(true);
    expect(factory.supports("doctrine://default", {})).toBe(true);
    expect(factory.supports("redis://localhost", {})).toBe(false);
    expect(factory.supports("sqlite:///tmp/x.db", {})).toBe(false);
  });

  it("leaves doctrine:// to another factory when the named connection is not PostgreSQL", () => {
    const connections = { default: "sqlite:///var/app.db", pg: "postgres://u@h/db" };
    expect(factory.supports("doctrine://default?queue_name=x", {}, { connections })).toBe(false);
    expect(factory.supports("doctrine://pg?queue_name=x", {}, { connections })).toBe(true);
    // Unknown names stay ours so that createTransport can list the known ones.
    expect(factory.supports("doctrine://nope", {}, { connections })).toBe(true);
    const fromConstructor = new PostgresTransportFactory({ connections: { default: "sqlite:///x.db" } });
    expect(fromConstructor.supports("doctrine://default", {})).toBe(false);
  });

  it("applies the defaults", () => {
    const transport = build(`postgres://${PG.user}@${server}`);
    expect(transport).toBeInstanceOf(PostgresTransport);
    expect(transport.queueName).toBe("default");
    expect(transport.tableName).toBe("messenger_messages");
    expect(transport.schema).toBe("public");
    expect(transport.redeliveryTimeout).toBe(30_000);
  });

  it("takes options from the DSN query first, then the options object", () => {
    const transport = build(
      `postgresql://${PG.user}@${server}?queue_name=high&redeliver_timeout=2.5&auto_setup=false`,
      { queue_name: "ignored", table_name: "jobs", schema: "app", use_notify: false },
    );
    expect(transport.queueName).toBe("high");
    expect(transport.tableName).toBe("jobs");
    expect(transport.schema).toBe("app");
    expect(transport.redeliveryTimeout).toBe(2_500);
  });

  it("resolves doctrine://<connection> through the named connections, as the seed writes it", () => {
    const transport = build(
      "doctrine://default?queue_name=high",
      {},
      { default: `postgres://${PG.user}@${server}` },
    );
    expect(transport.queueName).toBe("high");
    const upper = build("doctrine://Reporting", {}, { Reporting: `postgres://${PG.user}@${server}` });
    expect(upper.queueName).toBe("default");
  });

  it("names the known connections when the doctrine:// one is unknown", () => {
    const error = errorOf(() =>
      build(
        "doctrine://analytics?queue_name=x",
        {},
        { default: "postgres://u@h/db", reports: "postgres://u@h/r" },
      ),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('Unknown connection "analytics"');
    expect(error.message).toContain("default, reports");
  });

  it("refuses a doctrine:// connection that is not PostgreSQL, and foreign parameters on a connection", () => {
    expect(errorOf(() => build("doctrine://default", {}, { default: "sqlite:///x.db" })).message).toContain(
      "sqlite://",
    );
    const extra = errorOf(() =>
      build("doctrine://default", {}, { default: `postgres://u@h/db?serverVersion=16&charset=utf8&foo=1` }),
    );
    expect(extra.message).toContain('Unknown parameter "foo"');
    expect(extra.message).toContain("sslmode, serverVersion, charset");
  });

  it("rejects an unknown option, listing the allowed ones", () => {
    for (const run of [
      () => build(`postgres://u@h/db?check_delayed_interval=1000`),
      () => build(`postgres://u@h/db`, { check_delayed_interval: 1000 }),
    ]) {
      const error = errorOf(run);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toContain('Unknown option "check_delayed_interval"');
      expect(error.message).toContain(
        "table_name, queue_name, redeliver_timeout, delivery_limit, auto_setup, use_notify, schema, sslmode, symfony",
      );
    }
  });

  it.each([
    ["redeliver_timeout", "soon", '"soon"'],
    ["redeliver_timeout", "0", '"0"'],
    ["redeliver_timeout", "-5", '"-5"'],
    ["auto_setup", "yes", '"yes"'],
    ["use_notify", "on", '"on"'],
    ["sslmode", "prefer", '"prefer"'],
  ])("rejects %s=%s, naming the bad value", (option, value, shown) => {
    const error = errorOf(() => build(`postgres://u@h/db?${option}=${encodeURIComponent(value)}`));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`Invalid value ${shown} for option "${option}"`);
  });

  it("rejects values of the wrong type in the options object", () => {
    expect(errorOf(() => build("postgres://u@h/db", { redeliver_timeout: Number.NaN })).message).toContain(
      'option "redeliver_timeout"',
    );
    expect(errorOf(() => build("postgres://u@h/db", { auto_setup: 1 })).message).toContain(
      'option "auto_setup"',
    );
  });

  it.each([
    ["table_name", 'messages"; DROP TABLE users; --'],
    ["table_name", "1messages"],
    ["table_name", "x".repeat(49)],
    ["schema", "public.evil"],
    ["queue_name", "high priority"],
    ["queue_name", "q'; --"],
    ["queue_name", ""],
  ])("refuses %s %j before it reaches SQL", (option, value) => {
    const error = errorOf(() => build(`postgres://u@h/db`, { [option]: value }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain(`option "${option}"`);
  });

  it("never shows the password, even one with characters that break URL parsing", () => {
    const unknown = errorOf(() => build("postgres://app:s3cret@db.example:5432/app?nope=1"));
    expect(unknown.message).not.toContain("s3cret");
    const broken = errorOf(() => build("postgres://app:s3/cr?et@db.example:5432/app"));
    expect(broken).toBeInstanceOf(InvalidArgumentError);
    expect(broken.message).not.toContain("s3/cr");
    expect(broken.message).not.toContain("et@");
    expect(broken.message).toContain("app:***@db.example");
    const viaConnection = errorOf(() =>
      build("doctrine://default?bad=1", {}, { default: "postgres://app:s3cret@db.example/app" }),
    );
    expect(viaConnection.message).not.toContain("s3cret");
  });

  it("is found by core's registry for the DSNs it supports", () => {
    const registry = new TransportFactoryRegistry([factory]);
    expect(registry.createTransport(`postgres://${PG.user}@${server}`, {}, context)).toBeInstanceOf(
      PostgresTransport,
    );
  });
});

describe.skipIf(!pgUp)("PostgresTransportFactory against PostgreSQL", () => {
  const schema = schemaFor("factory");
  const admin = adminPool();

  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  it("builds working transports from createMessenger, doctrine://default coming from DATABASE_URL", async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `postgresql://${PG.user}@${server}`;
    try {
      const messenger = createMessenger({
        transports: {
          high: { dsn: "doctrine://default?queue_name=high", options: { schema } },
          direct: `postgres://${PG.user}@${server}?queue_name=direct&schema=${schema}`,
        },
        transportFactories: [factory],
        routing: { "pg_test.job": ["high", "direct"] },
      });
      await messenger.bus.dispatch(new Job(7));
      const high = messenger.getTransport("high") as PostgresTransport;
      const direct = messenger.getTransport("direct") as PostgresTransport;
      expect((await high.get()).map((e) => e.message)).toEqual([new Job(7)]);
      expect((await direct.get()).map((e) => e.message)).toEqual([new Job(7)]);
      await messenger.close();
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it("wraps driver errors in a TransportError that names the operation, keeps the cause, hides the password", async () => {
    // Port 1: nothing listens there, so the connection is refused at once.
    const transport = build(`postgres://app:s3cret@127.0.0.1:1/app?schema=${schema}`);
    const error = await transport.send(Envelope.wrap(new Job(1))).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toContain('PostgreSQL transport "async" could not set up its tables');
    expect(error.message).toContain("127.0.0.1:1/app");
    expect(error.message).not.toContain("s3cret");
    expect((error as TransportError).cause).toBeInstanceOf(Error);
    const noSetup = build(`postgres://app:s3cret@127.0.0.1:1/app?auto_setup=false`);
    const sendError = await noSetup.send(Envelope.wrap(new Job(1))).catch((e: unknown) => e as Error);
    expect(sendError.message).toContain("could not send a message");
    expect(sendError.message).not.toContain("s3cret");
    await Promise.all([transport.close(), noSetup.close()]);
  });
  it("a refused login is a TransportAuthenticationError from get(), send() and setup(), naming user and host, never the password", async () => {
    // The test server trusts every login from 127.0.0.1, so a wrong password would be accepted:
    // a role that does not exist is refused all the same (SQLSTATE 28000; a wrong password is 28P01).
    const login = `postgres://no_such_role_mt:s3cret-pw@${PG.host}:${PG.port}/${PG.database}`;
    const withSetup = build(`${login}?schema=${schema}`);
    const noSetup = build(`${login}?schema=${schema}&auto_setup=false`);
    const failure = (pending: Promise<unknown>) =>
      pending.then(
        () => new Error("expected a refused login"),
        (e: unknown) => e as Error,
      );
    const failures = await Promise.all([
      failure(withSetup.setup()),
      failure(withSetup.get()),
      failure(noSetup.get()),
      failure(noSetup.send(Envelope.wrap(new Job(1)))),
    ]);
    for (const error of failures) {
      expect(error).toBeInstanceOf(TransportAuthenticationError);
      expect((error as TransportError).code).toBe("TRANSPORT_AUTHENTICATION_FAILED");
      expect(error.message).toContain('user "no_such_role_mt"');
      expect(error.message).toContain(server);
      expect(error.message).not.toContain("s3cret-pw");
      // The mark the worker looks for to stop at once instead of retrying as during an outage.
      expect((error as unknown as Record<symbol, unknown>)[CONFIGURATION_ERROR]).toBe(true);
    }
    expect(failures[2]!.message).toContain("could not receive messages");
    expect(failures[3]!.message).toContain("could not send a message");
    await Promise.all([withSetup.close(), noSetup.close()]);
  });
});
