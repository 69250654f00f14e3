import { expect, it } from "vitest";
import { TakeScreenshotMessage } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

const URL = "https://kavarna-u-mostu.cz/menu";

describeHandlerOnWorker({
  handler: "TakeScreenshotHandler",
  file: "screenshot",
  transport: "low_priority",
  success: {
    message: (f) => new TakeScreenshotMessage(f.leads.kavarna, URL),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.listScreenshots(pg.fixtures.leads.kavarna)).toEqual([]);
    },
    verify: async (pg) => {
      const shots = await pg.app.store.listScreenshots(pg.fixtures.leads.kavarna);
      expect(shots.map((s) => [s.url, s.width, s.height])).toEqual([[URL, 1440, 900]]);
      expect(shots[0]!.image).toContain("kavarna-u-mostu.cz");
    },
  },
  transient: outageOf("browser"),
  unrecoverable: {
    message: (f) =>
      new TakeScreenshotMessage(f.failingInputs.invalidWebsiteLeadId, "https://nefunkcni-web.invalid/"),
    code: "WEBSITE_UNREACHABLE",
  },
  more: (pg) => {
    it("refuses a URL that is not http(s) without retrying", async () => {
      await pg().app.bus.dispatch(
        new TakeScreenshotMessage(pg().fixtures.leads.kavarna, "javascript:alert(1)"),
      );
      const run = await pg().consume(["low_priority"], (c) => c.gaveUp === 1);
      expect(run.received).toHaveLength(1);
      expect(run.failed[0]!.error.cause).toMatchObject({ code: "INVALID_URL" });
    });

    it("stores one screenshot per message when several wait in the queue", async () => {
      const { leads } = pg().fixtures;
      for (const path of ["", "menu", "kontakt"]) {
        await pg().app.bus.dispatch(
          new TakeScreenshotMessage(leads.kavarna, `https://kavarna-u-mostu.cz/${path}`),
        );
      }
      await pg().consume(["low_priority"], (c) => c.handled.length === 3);
      expect(await pg().app.store.listScreenshots(leads.kavarna)).toHaveLength(3);
    });
  },
});
