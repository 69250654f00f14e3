import { describe, expect, it } from "vitest";
import {
  DEFAULT_DISCOVERY_BATCHES,
  parseDiscoveryBatches,
  resolveDatabaseTarget,
  resolveLeadgenSettings,
} from "../../src/index.js";

describe("resolveLeadgenSettings", () => {
  it("defaults: the SQLite file var/leadgen.sqlite, doctrine://default, 30 ms latency, the seed's delays", () => {
    expect(resolveLeadgenSettings({ env: {} })).toEqual({
      database: { kind: "sqlite", path: "var/leadgen.sqlite", connection: "sqlite://var/leadgen.sqlite" },
      transportDsn: "doctrine://default",
      symfony: false,
      latencyMs: 30,
      retryDelayScale: 1,
      discoveryCron: "0 */6 * * *",
      discoveryBatches: DEFAULT_DISCOVERY_BATCHES,
      timezone: "Europe/Prague",
    });
  });

  it("reads the environment variables", () => {
    const settings = resolveLeadgenSettings({
      env: {
        DATABASE_URL: "postgresql://app@db:5432/leads",
        LEADGEN_DB_SCHEMA: "crm",
        MESSENGER_TRANSPORT_DSN: "redis://cache:6379",
        LEADGEN_LATENCY_MS: "5",
        LEADGEN_RETRY_DELAY_SCALE: "0.01",
        LEADGEN_DISCOVERY_CRON: "30 2 * * 1-5",
        LEADGEN_DISCOVERY_BATCHES: "linkedin:web design:3;web_crawl:kavárna Brno:7",
        LEADGEN_TIMEZONE: "UTC",
        LEADGEN_SYMFONY: "1",
      },
    });
    expect(settings).toEqual({
      database: { kind: "postgres", connection: "postgresql://app@db:5432/leads", schema: "crm" },
      transportDsn: "redis://cache:6379",
      symfony: true,
      latencyMs: 5,
      retryDelayScale: 0.01,
      discoveryCron: "30 2 * * 1-5",
      discoveryBatches: [
        { source: "linkedin", query: "web design", limit: 3 },
        { source: "web_crawl", query: "kavárna Brno", limit: 7 },
      ],
      timezone: "UTC",
    });
  });

  it("lets options win over the environment", () => {
    const settings = resolveLeadgenSettings({
      env: { LEADGEN_LATENCY_MS: "5", DATABASE_URL: "postgres://app@db/leads" },
      latencyMs: 0,
      databaseUrl: "sqlite:///srv/leads.sqlite",
    });
    expect(settings.latencyMs).toBe(0);
    expect(settings.database).toEqual({
      kind: "sqlite",
      path: "/srv/leads.sqlite",
      connection: "sqlite:///srv/leads.sqlite",
    });
  });

  it('switches the batch discovery off with "off" or null', () => {
    expect(resolveLeadgenSettings({ env: { LEADGEN_DISCOVERY_CRON: "off" } }).discoveryCron).toBeNull();
    expect(resolveLeadgenSettings({ env: {}, discoveryCron: null }).discoveryCron).toBeNull();
  });

  it("refuses a negative or non-numeric latency or delay scale, naming the value", () => {
    expect(() => resolveLeadgenSettings({ env: { LEADGEN_LATENCY_MS: "fast" } })).toThrow(
      expect.objectContaining({ code: "INVALID_LEADGEN_OPTION", message: expect.stringContaining('"fast"') }),
    );
    expect(() => resolveLeadgenSettings({ env: {}, retryDelayScale: -1 })).toThrow(
      expect.objectContaining({ code: "INVALID_LEADGEN_OPTION", message: expect.stringContaining(">= 0") }),
    );
  });

  it("refuses a LEADGEN_SYMFONY that is not a flag", () => {
    expect(() => resolveLeadgenSettings({ env: { LEADGEN_SYMFONY: "yes" } })).toThrow(
      expect.objectContaining({ code: "INVALID_LEADGEN_OPTION", message: expect.stringContaining('"yes"') }),
    );
  });

  it("refuses a malformed discovery batch, saying the expected form", () => {
    expect(() => parseDiscoveryBatches("firmy_cz:restaurace")).toThrow(
      expect.objectContaining({
        code: "INVALID_LEADGEN_OPTION",
        message: expect.stringContaining("source:query:limit"),
      }),
    );
  });
});

describe("resolveDatabaseTarget", () => {
  it("refuses a database it cannot use, listing the supported schemes", () => {
    expect(() => resolveDatabaseTarget("oracle://app@db/leads", "x.sqlite", "public")).toThrow(
      expect.objectContaining({
        code: "INVALID_LEADGEN_OPTION",
        message: expect.stringContaining("postgres://, postgresql://, mysql://, mariadb:// or sqlite://"),
      }),
    );
  });

  it("takes a mysql:// or mariadb:// URL for MySQL or MariaDB, the data and the queues alike", () => {
    expect(resolveDatabaseTarget("mysql://app@db/leads", "x.sqlite", "public")).toEqual({
      kind: "mysql",
      connection: "mysql://app@db/leads",
    });
    expect(resolveDatabaseTarget("mariadb://app@db/leads", "x.sqlite", "public").kind).toBe("mysql");
  });

  it("refuses a schema name that is not a plain identifier", () => {
    expect(() => resolveDatabaseTarget("postgres://db/leads", "x.sqlite", 'bad"name')).toThrow(
      expect.objectContaining({
        code: "INVALID_LEADGEN_OPTION",
        message: expect.stringContaining('"bad\\"name"'),
      }),
    );
  });
});
