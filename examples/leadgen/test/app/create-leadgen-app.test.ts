import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsoleApplication } from "@messenger-ts/cli";
import { MessageBus } from "@messenger-ts/core";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  createLeadgenApp,
  DOMAIN_STORE,
  LeadAnalyzer,
  type LeadgenApp,
  loadFixtures,
  SqliteDomainStore,
} from "../../src/index.js";
import { consume } from "../support/consume.js";
import { createUnitApp, type UnitApp } from "../support/unit-app.js";

describe("createLeadgenApp", () => {
  const directory = mkdtempSync(join(tmpdir(), "leadgen-app-"));
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps the queues and the domain data in one SQLite file by default", async () => {
    const path = join(directory, "var", "leadgen.sqlite");
    const app = await createLeadgenApp({ env: {}, sqlitePath: path, scheduleStore: null });
    open.push(app);
    await app.setup();
    await loadFixtures(app);
    await app.bus.dispatch(new AnalyzeLeadMessage(1));
    const file = new Database(path, { readonly: true });
    try {
      const tables = (
        file.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(["leads", "analyses", "offers", "messenger_messages"]));
      expect(file.prepare("SELECT queue_name FROM messenger_messages").all()).toEqual([
        { queue_name: "normal" },
      ]);
      expect(file.prepare("SELECT count(*) AS n FROM leads").get()).toEqual({ n: 7 });
    } finally {
      file.close();
    }
  });

  it("records every message a worker handles into messenger_history with LEADGEN_MESSAGE_HISTORY=1", async () => {
    const path = join(directory, "history", "leadgen.sqlite");
    const off = await createLeadgenApp({ env: {}, sqlitePath: path, scheduleStore: null, latencyMs: 0 });
    open.push(off);
    expect(off.history, "off by default").toBeUndefined();
    const app = await createLeadgenApp({
      env: { LEADGEN_MESSAGE_HISTORY: "1" },
      sqlitePath: path,
      scheduleStore: null,
      latencyMs: 0,
    });
    open.push(app);
    await app.setup();
    const fixtures = await loadFixtures(app);
    await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.leads.kavarna));
    await consume(app.messenger, ["normal"], { until: (c) => c.handled.length === 1, timeoutMs: 20_000 });
    const [entry, ...others] = await app.history!.list({}, 10);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ transport: "normal", result: "handled", errorClass: null });
    expect(entry!.type).toMatch(/analyze/i);
    const file = new Database(path, { readonly: true });
    try {
      expect(file.prepare("SELECT count(*) AS n FROM messenger_history").get()).toEqual({ n: 1 });
    } finally {
      file.close();
    }
    await expect(
      createLeadgenApp({ env: { LEADGEN_MESSAGE_HISTORY: "yes" }, sqlitePath: path, scheduleStore: null }),
    ).rejects.toThrow(/LEADGEN_MESSAGE_HISTORY "yes" is not a switch/);
  });

  it("gives each application its own container, services, bus and store", async () => {
    const a: UnitApp = await createUnitApp();
    const b: UnitApp = await createUnitApp();
    open.push(a, b);
    expect(a.app.container).not.toBe(b.app.container);
    expect(a.app.services.leadAnalyzer).not.toBe(b.app.services.leadAnalyzer);
    expect(a.app.container.resolve(LeadAnalyzer)).toBe(a.app.services.leadAnalyzer);
    expect(a.app.container.resolve(DOMAIN_STORE)).toBe(a.app.store);
    expect(a.app.container.resolve(MessageBus as never)).toBe(a.app.bus);
    await a.app.bus.dispatch(new AnalyzeLeadMessage(1));
    expect(a.sent("normal")).toHaveLength(1);
    expect(b.sent("normal")).toHaveLength(0);
  });

  it("is a ConsoleApplication for @messenger-ts/cli's kernel", async () => {
    const unit = await createUnitApp();
    open.push(unit);
    const console: ConsoleApplication = unit.app;
    expect(console.messenger).toBe(unit.app.messenger);
    expect(console.schedules!.names()).toEqual(["leadgen"]);
  });

  it("closes its transports and its store once, however often close() is called", async () => {
    const app: LeadgenApp = await createLeadgenApp({ env: {}, sqlitePath: ":memory:", scheduleStore: null });
    const closing = [app.close(), app.close()];
    expect(closing[0]).toBe(closing[1]);
    await Promise.all(closing);
    expect((app.store as SqliteDomainStore).database.open).toBe(false);
  });

  it("fails on a bad setting before anything is opened, naming it", async () => {
    await expect(createLeadgenApp({ env: { LEADGEN_LATENCY_MS: "-5" } })).rejects.toMatchObject({
      code: "INVALID_LEADGEN_OPTION",
    });
  });
});

describe("loadFixtures", () => {
  let unit: UnitApp;
  afterEach(async () => {
    await unit.close();
  });

  it("loads the sample data with ids from 1, the same on every load", async () => {
    unit = await createUnitApp();
    expect(await unit.app.store.counts()).toMatchObject({
      users: 2,
      companies: 7,
      leads: 7,
      analyses: 4,
      proposals: 3,
      offers: 3,
      emails: 0,
    });
    const again = await loadFixtures(unit.app);
    expect(again).toEqual(unit.fixtures);
    expect(again.leads).toEqual({
      kavarna: 1,
      autoservis: 2,
      pekarna: 3,
      stavby: 4,
      ordinace: 5,
      invalidWebsite: 6,
      undeliverable: 7,
    });
    expect(again.failingInputs).toEqual({
      aresIco: "00000000",
      invalidWebsiteLeadId: 6,
      undeliverableOfferId: 3,
    });
    expect(again.icos).toEqual(["25610341", "04712391", "28314573", "06205194", "45311200", "26953030"]);
  });

  it("dates the analyses a week back and one proposal past its expiry", async () => {
    unit = await createUnitApp();
    const now = unit.clock.now();
    const analysis = (await unit.app.store.findAnalysis(unit.fixtures.analyses.kavarna!))!;
    expect(analysis.createdAt).toBe(now - 7 * 86_400_000);
    const overdue = (await unit.app.store.findProposal(unit.fixtures.proposals.pekarnaOverdue))!;
    expect(overdue.status).toBe("draft");
    expect(overdue.expiresAt).toBeLessThan(now);
  });

  it("empties the domain tables first, but not the queues", async () => {
    unit = await createUnitApp();
    await unit.app.bus.dispatch(new AnalyzeLeadMessage(1));
    await unit.app.store.insertLead({ name: "Extra", source: "manual" }, unit.clock.now());
    await loadFixtures(unit.app);
    expect((await unit.app.store.counts()).leads).toBe(7);
    expect(unit.sent("normal")).toHaveLength(1);
  });

  it("works with the store alone (what a console command has)", async () => {
    unit = await createUnitApp();
    const store = new SqliteDomainStore(":memory:");
    try {
      await store.setup();
      const loaded = await loadFixtures({ store, clock: unit.clock });
      expect(loaded.users).toEqual({ jana: 1, petr: 2 });
    } finally {
      await store.close();
    }
  });
});
