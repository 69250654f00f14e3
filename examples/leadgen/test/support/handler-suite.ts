import {
  DelayStamp,
  type Envelope,
  ErrorDetailsStamp,
  RETRYABLE,
  RedeliveryStamp,
  SentToFailureTransportStamp,
} from "@messenger-ts/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type LoadedFixtures,
  PermanentFailureError,
  QUEUES,
  type QueueTransport,
  RETRY_STRATEGIES,
} from "../../src/index.js";
import { type PgApp, startPgApp, TEST_RETRY_DELAY_SCALE } from "./pg-app.js";
import { pgUp } from "./postgres.js";

/** How a handler is driven through a real worker on PostgreSQL. */
export interface HandlerSuiteSpec {
  readonly handler: string;
  /** Names the test file's schema. */
  readonly file: string;
  readonly transport: Exclude<QueueTransport, "failed">;
  /** A message that succeeds, and what its success left behind. */
  readonly success: {
    readonly message: (fixtures: LoadedFixtures) => object;
    /** What must be in place for the message to succeed, beyond the fixtures. */
    readonly arrange?: (pg: PgApp) => Promise<void>;
    /** Checks the effects; `handled` is the envelope the worker handled (its HandledStamp holds the result). */
    readonly verify: (pg: PgApp, handled: Envelope) => Promise<void>;
    /** What must not exist before the success (so the verification cannot pass by accident). */
    readonly verifyNotDone: (pg: PgApp) => Promise<void>;
  };
  /** A way to make the success message fail retryably, for some attempts or for good. */
  readonly transient: {
    readonly code: string;
    /** Makes the next `attempts` attempts fail ("always": every one). */
    readonly failFor: (pg: PgApp, attempts: number | "always") => Promise<void>;
    /** Ends the failure (the outside system is back). */
    readonly heal: (pg: PgApp) => Promise<void>;
  };
  /** A message the handler refuses for good. */
  readonly unrecoverable: { readonly message: (fixtures: LoadedFixtures) => object; readonly code: string };
  /** Tests of this handler alone, run on the same application. */
  readonly more?: (context: () => PgApp) => void;
}

const retryCount = (envelope: Envelope) => RedeliveryStamp.getRetryCountFromEnvelope(envelope);

/**
 * The integration tests every handler gets, through core's worker on the PostgreSQL transport
 * (`doctrine://default` → DATABASE_URL) with the seed's retry strategies (delays scaled to
 * milliseconds): the queue it waits in, success, retry then success, retries exhausted, straight
 * to `failed` when unrecoverable, and a retry from `failed` once the cause is gone.
 */
export function describeHandlerOnWorker(spec: HandlerSuiteSpec): void {
  const { transport } = spec;
  const { maxRetries } = RETRY_STRATEGIES[transport];

  describe.skipIf(!pgUp)(`${spec.handler} through a worker on PostgreSQL`, () => {
    let pg: PgApp;
    beforeAll(async () => {
      pg = await startPgApp(spec.file);
    });
    beforeEach(async () => {
      await pg.reset();
    });
    afterAll(async () => {
      await pg?.close();
    });

    it(`waits in the ${QUEUES[transport]} queue of ${transport} until a worker takes it`, async () => {
      const message = spec.success.message(pg.fixtures);
      await pg.app.bus.dispatch(message);
      const queued = await pg.queued(transport);
      expect(queued.map((envelope) => envelope.message)).toEqual([message]);
      for (const other of ["high_priority", "normal", "low_priority", "failed"].filter(
        (t) => t !== transport,
      )) {
        expect(await pg.queued(other)).toEqual([]);
      }
      await spec.success.verifyNotDone(pg);
    });

    it("succeeds on the first attempt and leaves the queue empty", async () => {
      await spec.success.verifyNotDone(pg);
      await spec.success.arrange?.(pg);
      await pg.app.bus.dispatch(spec.success.message(pg.fixtures));
      const run = await pg.consume([transport], (c) => c.handled.length === 1);
      expect(run.received).toHaveLength(1);
      expect(run.failed).toEqual([]);
      await spec.success.verify(pg, run.handled[0]!);
      expect(await pg.queued(transport)).toEqual([]);
      expect(await pg.queued("failed")).toEqual([]);
    });

    it("is retried after failures and then succeeds (2 failures: 3 attempts)", async () => {
      await spec.transient.failFor(pg, 2);
      await pg.app.bus.dispatch(spec.success.message(pg.fixtures));
      const run = await pg.consume([transport], (c) => c.handled.length === 1);
      expect(run.received.map(retryCount)).toEqual([0, 1, 2]);
      expect(run.failed.map((f) => f.willRetry)).toEqual([true, true]);
      expect(
        run.failed.map((f) => (f.error as Error & { wrappedErrors?: Error[] }).wrappedErrors?.[0]),
      ).toEqual([
        expect.objectContaining({ code: spec.transient.code }),
        expect.objectContaining({ code: spec.transient.code }),
      ]);
      await spec.success.verify(pg, run.handled[0]!);
      expect(await pg.queued("failed")).toEqual([]);
    });

    it(`gives up after ${maxRetries} retries (${maxRetries + 1} attempts) and moves it to failed`, async () => {
      await spec.transient.failFor(pg, "always");
      const message = spec.success.message(pg.fixtures);
      await pg.app.bus.dispatch(message);
      const run = await pg.consume([transport], (c) => c.gaveUp === 1);
      expect(run.received.map(retryCount)).toEqual(Array.from({ length: maxRetries + 1 }, (_, i) => i));
      expect(run.failed.map((f) => f.willRetry)).toEqual([...Array(maxRetries).fill(true), false]);
      const [failed, ...more] = await pg.queued("failed");
      expect(more).toEqual([]);
      expect(failed!.message).toEqual(message);
      expect(failed!.last(SentToFailureTransportStamp)!.originalReceiverName).toBe(transport);
      // The retries' redelivery stamps travel along; the failure transport adds a fresh count of 0
      // (as Symfony does), so a retry from failed starts the strategy over.
      expect(failed!.all(RedeliveryStamp).map((stamp) => stamp.retryCount)).toEqual([
        ...Array.from({ length: maxRetries }, (_, i) => i + 1),
        0,
      ]);
      expect(failed!.last(ErrorDetailsStamp)).toMatchObject({
        errorClass: "TransientFailureError",
        errorCode: spec.transient.code,
      });
      expect(await pg.queued(transport)).toEqual([]);
      await spec.success.verifyNotDone(pg);
    });

    it("waits the transport's retry delays between attempts (the seed's, scaled to milliseconds)", async () => {
      const { delay, multiplier } = RETRY_STRATEGIES[transport];
      await spec.transient.failFor(pg, "always");
      await pg.app.bus.dispatch(spec.success.message(pg.fixtures));
      const run = await pg.consume([transport], (c) => c.gaveUp === 1);
      const delays = run.received.slice(1).map((envelope) => envelope.last(DelayStamp)!.delay);
      const expected = Array.from(
        { length: maxRetries },
        (_, i) => Math.round(delay * TEST_RETRY_DELAY_SCALE) * multiplier ** i,
      );
      expect(delays).toHaveLength(maxRetries);
      // The strategy spreads each delay by up to 10 % (jitter), in whole milliseconds.
      delays.forEach((actual, i) => {
        const spread = Math.trunc(expected[i]! * 0.1);
        expect(actual).toBeGreaterThanOrEqual(expected[i]! - spread);
        expect(actual).toBeLessThanOrEqual(expected[i]! + spread);
      });
    });

    it("sends an unrecoverable failure straight to failed, after one attempt", async () => {
      const message = spec.unrecoverable.message(pg.fixtures);
      await pg.app.bus.dispatch(message);
      const run = await pg.consume([transport], (c) => c.gaveUp === 1);
      expect(run.received).toHaveLength(1);
      const thrown = (run.failed[0]!.error as Error & { wrappedErrors: Error[] }).wrappedErrors[0];
      expect(thrown).toBeInstanceOf(PermanentFailureError);
      expect(thrown).toMatchObject({ code: spec.unrecoverable.code, [RETRYABLE]: false });
      const [failed] = await pg.queued("failed");
      expect(failed!.message).toEqual(message);
      expect(retryCount(failed!)).toBe(0);
      expect(failed!.last(ErrorDetailsStamp)).toMatchObject({
        errorClass: "PermanentFailureError",
        errorCode: spec.unrecoverable.code,
      });
    });

    it("succeeds when retried from failed once the cause is gone (messenger:failed:retry)", async () => {
      await spec.transient.failFor(pg, "always");
      await pg.app.bus.dispatch(spec.success.message(pg.fixtures));
      await pg.consume([transport], (c) => c.gaveUp === 1);
      await spec.transient.heal(pg);
      const retry = await pg.consume(["failed"], (c) => c.handled.length === 1);
      expect(retry.failed).toEqual([]);
      await spec.success.verify(pg, retry.handled[0]!);
      expect(await pg.queued("failed")).toEqual([]);
      expect(await pg.queued(transport)).toEqual([]);
    });

    spec.more?.(() => pg);
  });
}

/** The usual transient failure: a simulated outage of the outside system the handler calls. */
export function outageOf(system: "website" | "browser" | "ses" | "ai" | "ares" | "discovery" | "analytics") {
  return {
    code: `${system.toUpperCase()}_UNAVAILABLE`,
    failFor: (pg: PgApp, attempts: number | "always") =>
      pg.app.services.outages.simulate(system, attempts === "always" ? 1_000 : attempts),
    heal: (pg: PgApp) => pg.app.services.outages.clear(system),
  };
}
