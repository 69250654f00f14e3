import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SCREENSHOT_HEIGHT,
  SCREENSHOT_WIDTH,
  TakeScreenshotHandler,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, START, type UnitApp } from "../support/unit-app.js";

describe("TakeScreenshotHandler", () => {
  let unit: UnitApp;
  let handler: TakeScreenshotHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(TakeScreenshotHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("stores a screenshot of a page sent through the low-priority queue", async () => {
    const leadId = unit.fixtures.leads.kavarna;
    await unit.app.bus.dispatch(new TakeScreenshotMessage(leadId, "https://kavarna-u-mostu.cz/menu"));
    expect(await unit.process("low_priority")).toBe(1);
    const [shot] = await unit.app.store.listScreenshots(leadId);
    expect(shot).toMatchObject({
      leadId,
      url: "https://kavarna-u-mostu.cz/menu",
      width: SCREENSHOT_WIDTH,
      height: SCREENSHOT_HEIGHT,
      createdAt: START,
    });
    expect(shot!.image).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1440" height="900">/);
    expect(shot!.image).toContain(">kavarna-u-mostu.cz</text>");
    expect(shot!.sha256).toBe(createHash("sha256").update(shot!.image).digest("hex"));
  });

  it("renders the same page the same way, and another page differently", async () => {
    const leadId = unit.fixtures.leads.kavarna;
    const a = await handler.handle(new TakeScreenshotMessage(leadId, "https://kavarna-u-mostu.cz/"));
    const b = await handler.handle(new TakeScreenshotMessage(leadId, "https://kavarna-u-mostu.cz/"));
    const c = await handler.handle(new TakeScreenshotMessage(leadId, "https://kavarna-u-mostu.cz/kontakt"));
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(await unit.app.store.listScreenshots(leadId)).toHaveLength(3);
  });

  it("refuses an unknown lead as unrecoverable", async () => {
    await expectUnrecoverable(
      handler.handle(new TakeScreenshotMessage(404, "https://a.cz/")),
      "LEAD_NOT_FOUND",
    );
  });

  it("refuses a URL that is not http(s) as unrecoverable, naming it", async () => {
    const leadId = unit.fixtures.leads.kavarna;
    await expectUnrecoverable(
      handler.handle(new TakeScreenshotMessage(leadId, "ftp://kavarna-u-mostu.cz/")),
      "INVALID_URL",
      '"ftp://kavarna-u-mostu.cz/"',
    );
  });

  it("refuses a page on the reserved .invalid domain as unrecoverable", async () => {
    const leadId = unit.fixtures.failingInputs.invalidWebsiteLeadId;
    await expectUnrecoverable(
      handler.handle(new TakeScreenshotMessage(leadId, "https://nefunkcni-web.invalid/")),
      "WEBSITE_UNREACHABLE",
    );
    expect(await unit.app.store.listScreenshots(leadId)).toEqual([]);
  });

  it("fails retryably while the headless browser is down", async () => {
    await unit.app.services.outages.simulate("browser", 2);
    const message = new TakeScreenshotMessage(unit.fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/");
    await expectTransient(handler.handle(message), "BROWSER_UNAVAILABLE");
    await expectTransient(handler.handle(message), "BROWSER_UNAVAILABLE");
    expect((await handler.handle(message)).id).toBe(1);
  });
});
