import { createMessenger, Envelope, InvalidArgumentError, TransportError } from "@messenger-ts/core";
import { TransportFactoryRegistry } from "@messenger-ts/core/transport";
import { describe, expect, it } from "vitest";
import { parseRedisDsn, RedisTransport, RedisTransportFactory } from "../src/index.js";
import { factoryContext, Job } from "./support/redis.js";

const factory = new RedisTransportFactory();

function build(dsn: string, options: Record<string, unknown> = {}): RedisTransport {
  return factory.createTransport(dsn, options, factoryContext());
}

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("RedisTransportFactory: DSNs and options (no Redis needed)", () => {
  it("supports redis:// and rediss://, nothing else", () => {
    expect(factory.supports("redis://localhost")).toBe(true);
    expect(factory.supports("REDISS://h:6380/s")).toBe(true);
    expect(factory.supports("redis:///var/run/redis.sock")).toBe(true);
    expect(factory.supports("postgres://u@h/db")).toBe(false);
    expect(factory.supports("redis-sentinel://h")).toBe(false);
  });

  it("applies the defaults, with a unique consumer name per process and transport", () => {
    const transport = build("redis://127.0.0.1:6379");
    expect(transport).toBeInstanceOf(RedisTransport);
    expect(transport.stream).toBe("messages");
    expect(transport.group).toBe("symfony");
    expect(transport.redeliveryTimeout).toBe(30_000);
    expect(transport.claimInterval).toBe(5_000);
    expect(transport.consumer).toMatch(new RegExp(`^[A-Za-z0-9_.-]+-${process.pid}-[a-z0-9]{6}$`));
    expect(build("redis://127.0.0.1").consumer).not.toBe(transport.consumer);
  });

  it("reads stream, group and consumer from the path, as Symfony writes it", () => {
    const transport = build("redis://h:6379/orders/billing/worker-1");
    expect(transport.stream).toBe("orders");
    expect(transport.group).toBe("billing");
    expect(transport.consumer).toBe("worker-1");
    expect(build("redis://h/orders/").stream).toBe("orders");
  });

  it("takes options from the DSN first, then the options object; prefix goes in front of every key", () => {
    const transport = build("redis://h/orders?redeliver_timeout=2.5&claim_interval=250&prefix=app:", {
      redeliver_timeout: 99,
      group: "g",
      stream_max_entries: 1000,
    });
    expect(transport.stream).toBe("app:orders");
    expect(transport.group).toBe("g");
    expect(transport.redeliveryTimeout).toBe(2_500);
    expect(transport.claimInterval).toBe(250);
    expect(build("redis://h", { stream: "{jobs}", prefix: "x:" }).stream).toBe("x:{jobs}");
  });

  it("rejects unknown options, listing the allowed ones (DSN or options object)", () => {
    const error = errorOf(() => build("redis://h/s?lazy=true"));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain('Unknown option "lazy"');
    expect(error.message).toContain("stream, group, consumer, prefix, auto_setup, delete_after_ack");
    expect(errorOf(() => build("redis://h", { queue_name: "x" })).message).toContain('"queue_name"');
  });

  it("rejects bad values by name", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["redis://h/bad stream", {}, /"stream".*no spaces/],
      ["redis://h/s?group=a%20b", {}, /"group"/],
      ["redis://h/s?redeliver_timeout=0", {}, /"redeliver_timeout".*seconds > 0/],
      ["redis://h/s?redeliver_timeout=abc", {}, /"redeliver_timeout"/],
      ["redis://h/s?claim_interval=-1", {}, /"claim_interval"/],
      ["redis://h/s?delete_after_ack=yes", {}, /"delete_after_ack".*true or false/],
      ["redis://h/s?dbindex=x", {}, /"dbindex"/],
      ["redis://h/s?stream_max_entries=1.5", {}, /"stream_max_entries"/],
      ["redis://h/s", { prefix: "has space" }, /"prefix"/],
      ["redis://h/s", { consumer: "a/b" }, /"consumer"/],
    ];
    for (const [dsn, options, pattern] of cases) {
      const error = errorOf(() => build(dsn, options));
      expect(error, dsn).toBeInstanceOf(InvalidArgumentError);
      expect(error.message, dsn).toMatch(pattern);
    }
  });

  it("parses hosts, credentials, TLS, sockets and Symfony's password-only user part", () => {
    expect(parseRedisDsn("redis://user:p%40ss@redis.internal:6380/s?dbindex=2")).toEqual({
      tls: false,
      user: "user",
      password: "p@ss",
      hosts: [{ host: "redis.internal", port: 6380 }],
      socket: null,
      query: { dbindex: "2", stream: "s" },
    });
    expect(parseRedisDsn("rediss://secret@h").password).toBe("secret");
    expect(parseRedisDsn("rediss://secret@h").tls).toBe(true);
    expect(parseRedisDsn("redis://default:pw@h").user).toBeNull();
    expect(parseRedisDsn("redis://[::1]:7000/s").hosts).toEqual([{ host: "::1", port: 7000 }]);
    expect(parseRedisDsn("redis://a:1,b:2/{q}?cluster=true").hosts).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 2 },
    ]);
    const socket = parseRedisDsn("redis://:pw@/var/run/redis/redis.sock?stream=q");
    expect(socket).toMatchObject({ socket: "/var/run/redis/redis.sock", password: "pw", hosts: [] });
    expect(socket.query).toEqual({ stream: "q" });
  });

  it("refuses malformed DSNs without showing the password", () => {
    for (const dsn of [
      "redis://user:hunter2@h:99999/s",
      "redis://user:hunter2@h/a/b/c/d",
      "redis://user:hunter2@h/s?stream=t",
      "redis://user:hunter2@h/s?x=1&x=2",
      "redis://user:hunter2@/",
    ]) {
      const error = errorOf(() => parseRedisDsn(dsn));
      expect(error, dsn).toBeInstanceOf(InvalidArgumentError);
      expect(error.message, dsn).not.toContain("hunter2");
      expect(error.message, dsn).toContain("user:***@");
    }
    const unknown = errorOf(() => build("redis://:hunter2@h/s?nope=1"));
    expect(unknown.message).not.toContain("hunter2");
    expect(unknown.message).toContain(":***@h/s");
  });

  it("requires a hash tag in the stream key on Cluster, and refuses a database index there", () => {
    const error = errorOf(() => build("redis://a:7000,b:7001/orders"));
    expect(error.message).toMatch(/hash tag.*"\{orders\}"/);
    expect(build("redis://a:7000,b:7001/{orders}").stream).toBe("{orders}");
    expect(build("redis://a:7000/s?cluster=true&prefix={app}:").stream).toBe("{app}:s");
    expect(errorOf(() => build("redis://a:7000,b:7001/{q}?dbindex=1")).message).toMatch(/database 0/);
    expect(errorOf(() => build("redis:///tmp/r.sock?cluster=true")).message).toMatch(/unix socket/);
  });

  it("builds Sentinel transports from the sentinel hosts and master name", () => {
    const transport = build("redis://s1:26379,s2:26379/q?sentinel_master=mymaster");
    expect(transport.stream).toBe("q");
  });

  it("is found by the core registry by scheme", () => {
    const registry = new TransportFactoryRegistry([factory]);
    const transport = registry.createTransport("rediss://h/s", {}, factoryContext("secure"));
    expect(transport).toBeInstanceOf(RedisTransport);
  });

  it("does not connect while building; with Redis down a producer gets a TransportError within seconds", async () => {
    const messenger = createMessenger({
      // Port 1 refuses connections. The password must not show anywhere.
      transports: { async: "redis://:hunter2@127.0.0.1:1/never?prefix=t:" },
      transportFactories: [factory],
    });
    const transport = messenger.getTransport("async") as RedisTransport;
    expect(transport).toBeInstanceOf(RedisTransport);
    const startedAt = Date.now();
    const error = await transport.send(Envelope.wrap(new Job(1))).catch((e: unknown) => e);
    const tookMs = Date.now() - startedAt;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(
      /Redis transport "async" could not send a message \(stream "t:never" on 127\.0\.0\.1:1\/0\): Redis is unreachable/,
    );
    expect((error as Error).message).not.toContain("hunter2");
    expect(tookMs).toBeLessThan(5_000);
    await messenger.close();
    console.info(`[factory] send to an unreachable Redis failed after ${tookMs} ms`);
  }, 20_000);
});
