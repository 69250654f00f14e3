import { ErrorDetailsStamp, RedeliveryStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { SyncAresDataMessage } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

describeHandlerOnWorker({
  handler: "SyncAresDataHandler",
  file: "ares",
  transport: "normal",
  success: {
    // One company: each IČO is one call to ARES, and the outage counts calls.
    message: () => new SyncAresDataMessage(["25610341"]),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.findCompanyByIco("25610341")).toMatchObject({ aresStatus: "pending" });
    },
    verify: async (pg) => {
      expect(await pg.app.store.findCompanyByIco("25610341")).toMatchObject({ aresStatus: "synced" });
      expect(await pg.app.store.findCompanyByIco("04712391")).toMatchObject({ aresStatus: "pending" });
    },
  },
  transient: outageOf("ares"),
  unrecoverable: { message: () => new SyncAresDataMessage(["12345678"]), code: "INVALID_ICO" },
  more: (pg) => {
    it("fails for IČO 00000000 on every attempt: retried per the strategy, then in failed", async () => {
      await pg().app.bus.dispatch(new SyncAresDataMessage([pg().fixtures.failingInputs.aresIco]));
      const run = await pg().consume(["normal"], (c) => c.gaveUp === 1);
      expect(run.received.map((e) => RedeliveryStamp.getRetryCountFromEnvelope(e))).toEqual([0, 1, 2, 3]);
      const [failed] = await pg().queued("failed");
      expect(failed!.last(ErrorDetailsStamp)).toMatchObject({
        errorClass: "TransientFailureError",
        errorCode: "ARES_UNAVAILABLE",
        errorMessage: expect.stringContaining("00000000"),
      });
    });

    it("syncs the good companies of a batch even when the batch ends in failed", async () => {
      const { icos, failingInputs } = pg().fixtures;
      await pg().app.bus.dispatch(new SyncAresDataMessage([...icos, failingInputs.aresIco]));
      await pg().consume(["normal"], (c) => c.gaveUp === 1);
      for (const ico of icos)
        expect(await pg().app.store.findCompanyByIco(ico)).toMatchObject({ aresStatus: "synced" });
      expect(await pg().app.store.findCompanyByIco("00000000")).toMatchObject({ aresStatus: "pending" });
      expect(await pg().queued("failed")).toHaveLength(1);
    });
  },
});
