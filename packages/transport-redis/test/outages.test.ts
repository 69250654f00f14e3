// Private redis-servers on spare ports, stopped and started by the tests: a producer during an
// outage, refused credentials, and the persistence warning. Never the shared server.
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import {
  DeliveryLimitExceededStamp,
  Envelope,
  type Logger,
  TransportAuthenticationError,
  TransportError,
} from "@messenger-ts/core";
import { freePort } from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { ageClaims, eventually, factoryContext, Job } from "./support/redis.js";
import { canStartServers, RedisServers } from "./support/redis-servers.js";

const servers = canStartServers ? new RedisServers() : undefined;
const open: RedisTransport[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

afterAll(() => servers?.stop());

function transport(dsn: string, logger?: Logger): RedisTransport {
  const created = new RedisTransportFactory().createTransport(dsn, {}, factoryContext("async", logger));
  open.push(created);
  return created;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const job = (n: number) => Envelope.wrap(new Job(n));

function cli(port: number, ...args: string[]): string {
  return spawnSync("redis-cli", ["-p", String(port), "--no-auth-warning", ...args], { encoding: "utf8" })
    .stdout;
}

describe.skipIf(!canStartServers)("Redis outages, credentials and persistence (private servers)", () => {
  it("a send (and a get) while Redis is down fails at once with a TransportError, stores nothing later, and works again when it is back", async () => {
    const port = await freePort();
    const server = await servers!.start(port);
    const producer = transport(`redis://127.0.0.1:${port}/outage`);
    await producer.send(job(1));
    await stopped(server);
    // The first send may go out before the client saw the connection close: it fails all the same.
    expect(await producer.send(job(2)).catch((e: unknown) => e)).toBeInstanceOf(TransportError);
    for (let n = 3; n <= 5; n++) {
      const error = await producer.send(job(n)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as Error).message).toMatch(
        /could not send a message \(stream "outage" on 127\.0\.0\.1:\d+\/0\): Redis is unreachable \(no connection within 0\.5 s/,
      );
    }
    // A burst of sends fails alike, and shares one wait for the connection (no listener leak).
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on("warning", onWarning);
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, n) => producer.send(job(100 + n)).catch((e: unknown) => e)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", onWarning);
    expect(burst.every((error) => error instanceof TransportError)).toBe(true);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    // A worker's get() too: it reports the outage instead of waiting on reconnection attempts.
    await expect(producer.get()).rejects.toThrow(
      /could not receive messages \(stream "outage" on 127\.0\.0\.1:\d+\/0\): Redis is unreachable \(no connection within 0\.5 s/,
    );
    await servers!.start(port);
    // Redis started empty (no persistence): only what is sent from now on is there.
    expect(
      await eventually(
        () =>
          producer.send(job(6)).then(
            () => true,
            () => false,
          ),
        10_000,
        100,
      ),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await producer.getMessageCount(), "a failed send never goes out later").toBe(1);
    expect((await producer.all()).map((e) => (e.message as Job).n)).toEqual([6]);
  });

  it("refused credentials are a TransportAuthenticationError from send(), get() and setup(), without the password, and no reconnection loop", async () => {
    const port = await freePort();
    // Password set after the start: RedisServers waits for an unauthenticated PING.
    await servers!.start(port);
    cli(port, "CONFIG", "SET", "requirepass", "right-secret");
    cli(port, "-a", "right-secret", "ACL", "SETUSER", "app", "on", ">app-secret", "~*", "&*", "+@all");
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (_c, m) => void errors.push(m) };
    for (const dsn of [
      `redis://:wrong-secret@127.0.0.1:${port}/auth`,
      `redis://app:wrong-secret@127.0.0.1:${port}/auth`,
      `redis://127.0.0.1:${port}/auth`,
    ]) {
      const refused = transport(dsn, logger);
      for (const call of [() => refused.send(job(1)), () => refused.get(), () => refused.setup()]) {
        const error = await call().catch((e: unknown) => e);
        expect(error, dsn).toBeInstanceOf(TransportAuthenticationError);
        expect((error as TransportAuthenticationError).code).toBe("TRANSPORT_AUTHENTICATION_FAILED");
        expect((error as Error).message).toMatch(/the server refused the credentials .*(WRONGPASS|NOAUTH)/);
        expect((error as Error).message).not.toContain("secret");
      }
    }
    expect(errors.join("\n")).toMatch(/refused: wrong or missing credentials/);
    // The clients stopped instead of reconnecting: no new connection reaches the server meanwhile.
    const connections = () =>
      /total_connections_received:(\d+)/.exec(cli(port, "-a", "right-secret", "INFO", "stats"))![1];
    const before = connections();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(Number(connections()) - Number(before), "only the INFO probe connected").toBe(1);
    const allowed = transport(`redis://app:app-secret@127.0.0.1:${port}/auth`);
    await allowed.send(job(1));
    expect(await allowed.getMessageCount()).toBe(1);
  });

  it("the delivery count survives a Redis restart with persistence", async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(servers!.dir, "aof-"));
    const persisted = ["--appendonly", "yes", "--dir", dir];
    const server = await servers!.start(port, persisted);
    const worker = transport(`redis://127.0.0.1:${port}/restart?delivery_limit=1&claim_interval=0`);
    await worker.send(job(1));
    const [first] = await worker.get();
    expect(first!.has(DeliveryLimitExceededStamp)).toBe(false);
    await new Promise((resolve) => {
      server.once("exit", resolve);
      server.kill("SIGTERM"); // a clean shutdown: the append-only file has every write
    });
    await servers!.start(port, persisted);
    const admin = new Redis({ host: "127.0.0.1", port, lazyConnect: true });
    try {
      await ageClaims(admin, worker.stream, worker.group, worker.redeliveryTimeout + 1);
    } finally {
      admin.disconnect();
    }
    const other = transport(`redis://127.0.0.1:${port}/restart?delivery_limit=1`);
    const [second] = await other.get();
    expect(second?.last(DeliveryLimitExceededStamp)).toMatchObject({ deliveries: 2, limit: 1 });
    expect(await other.warnings(), "AOF is on").toEqual([]);
  });

  it("warns, at setup and when a worker starts, when Redis has neither AOF nor RDB save points", async () => {
    const bare = await freePort();
    const aof = await freePort();
    const rdb = await freePort();
    await servers!.start(bare);
    await servers!.start(aof, ["--appendonly", "yes"]);
    await servers!.start(rdb, ["--save", "60 1"]);
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (_c, m) => void warnings.push(m), error() {} };
    const unsafe = transport(`redis://127.0.0.1:${bare}/queue`, logger);
    expect(await unsafe.warnings()).toEqual([
      `Redis at 127.0.0.1:${bare}/0 has no persistence (appendonly is "no" and "save" has no save points): a restart of Redis loses every message of stream "queue". Enable AOF (appendonly yes) or RDB save points.`,
    ]);
    await unsafe.get();
    await unsafe.get();
    expect(await eventually(() => warnings.length > 0, 5_000)).toBe(true);
    expect(
      warnings.filter((w) => w.includes("has no persistence")),
      "logged once",
    ).toHaveLength(1);
    expect(await transport(`redis://127.0.0.1:${aof}/queue`).warnings()).toEqual([]);
    expect(await transport(`redis://127.0.0.1:${rdb}/queue`).warnings()).toEqual([]);
    // A managed Redis that forbids CONFIG: no way to tell, so no warning.
    cli(bare, "ACL", "SETUSER", "default", "-config");
    expect(await transport(`redis://127.0.0.1:${bare}/queue`).warnings()).toEqual([]);
  });
});
