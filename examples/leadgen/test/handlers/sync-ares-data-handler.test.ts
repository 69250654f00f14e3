import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AresClient,
  SyncAresDataHandler,
  SyncAresDataMessage,
  TransientFailureError,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, START, type UnitApp } from "../support/unit-app.js";

describe("SyncAresDataHandler", () => {
  let unit: UnitApp;
  let handler: SyncAresDataHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(SyncAresDataHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("copies the register's data of companies sent through the normal queue", async () => {
    await unit.app.bus.dispatch(new SyncAresDataMessage(["25610341", "04712391"]));
    expect(await unit.process("normal")).toBe(1);
    const company = (await unit.app.store.findCompanyByIco("25610341"))!;
    const record = AresClient.recordOf("25610341");
    expect(company).toMatchObject({
      id: unit.fixtures.companies.kavarna,
      name: record.name,
      legalForm: record.legalForm,
      address: record.address,
      vatId: record.vatId,
      employees: record.employees,
      aresStatus: "synced",
      aresSyncedAt: START,
    });
    expect(await unit.app.store.findCompanyByIco("04712391")).toMatchObject({ aresStatus: "synced" });
    expect(await unit.app.store.findCompanyByIco("28314573")).toMatchObject({ aresStatus: "pending" });
  });

  it("creates a company it did not know, once for a repeated IČO", async () => {
    const companies = await handler.handle(new SyncAresDataMessage(["45317054", "45317054"]));
    expect(companies).toHaveLength(1);
    expect(await unit.app.store.findCompanyByIco("45317054")).toMatchObject({ aresStatus: "synced" });
  });

  it("fails retryably for the outage IČO 00000000, after saving the companies ARES answered for", async () => {
    const error = await handler
      .handle(new SyncAresDataMessage(["25610341", "00000000"]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientFailureError);
    expect(error).toMatchObject({ code: "ARES_UNAVAILABLE" });
    expect((error as Error).message).toContain("00000000 (1 of 2 synced)");
    expect(await unit.app.store.findCompanyByIco("25610341")).toMatchObject({ aresStatus: "synced" });
    expect(await unit.app.store.findCompanyByIco("00000000")).toMatchObject({ aresStatus: "pending" });
  });

  it("refuses an IČO with a wrong check digit as unrecoverable, before asking ARES anything", async () => {
    await expectUnrecoverable(
      handler.handle(new SyncAresDataMessage(["25610341", "25610342"])),
      "INVALID_ICO",
      '"25610342"',
    );
    expect(await unit.app.store.findCompanyByIco("25610341")).toMatchObject({ aresStatus: "pending" });
  });

  it("refuses an empty list as unrecoverable", async () => {
    await expectUnrecoverable(handler.handle(new SyncAresDataMessage([])), "INVALID_ICO_LIST");
  });

  it("fails retryably while ARES is down, then syncs", async () => {
    await unit.app.services.outages.simulate("ares", 1);
    await expectTransient(handler.handle(new SyncAresDataMessage(["28314573"])), "ARES_UNAVAILABLE");
    expect(await handler.handle(new SyncAresDataMessage(["28314573"]))).toHaveLength(1);
  });
});
