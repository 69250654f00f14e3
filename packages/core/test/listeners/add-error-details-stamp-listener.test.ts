import { describe, expect, it } from "vitest";
import { AddErrorDetailsStampListener } from "../../src/entry-points/worker.js";
import {
  Envelope,
  ErrorDetailsStamp,
  EventDispatcher,
  HandlerFailedError,
  InvalidArgumentError,
  TransportError,
  WorkerMessageFailedEvent,
} from "../../src/index.js";

class Job {}

function failed(error: Error, envelope = Envelope.wrap(new Job())): WorkerMessageFailedEvent {
  return new WorkerMessageFailedEvent(envelope, "async", error);
}

function withStack(error: Error, length: number): Error {
  error.stack =
    `${error.name}: ${error.message}\n${"    at frame (file.js:1:1)\n".repeat(length / 28 + 1)}`.slice(
      0,
      length,
    );
  return error;
}

describe("AddErrorDetailsStampListener", () => {
  it("adds the details of the error, the first nested one for a handler failure", async () => {
    const events = new EventDispatcher();
    new AddErrorDetailsStampListener().register(events);
    const nested = new TransportError("database is down", { code: "DB_DOWN" });
    const error = new HandlerFailedError(Envelope.wrap(new Job()), new Map([["save", nested]]));
    const event = await events.dispatch(failed(error));
    const stamp = event.envelope.last(ErrorDetailsStamp);
    expect(stamp).toMatchObject({
      errorClass: "TransportError",
      errorCode: "DB_DOWN",
      errorMessage: "database is down",
    });
    expect(stamp?.stack).toContain("database is down");
  });

  it("does not repeat details equal to the last ones, and adds different ones", async () => {
    const listener = new AddErrorDetailsStampListener();
    const first = failed(new Error("boom"));
    listener.onMessageFailed(first);
    const again = failed(new Error("boom"), first.envelope);
    listener.onMessageFailed(again);
    expect(again.envelope.all(ErrorDetailsStamp)).toHaveLength(1);
    const other = failed(new Error("other"), again.envelope);
    listener.onMessageFailed(other);
    expect(other.envelope.all(ErrorDetailsStamp).map((s) => s.errorMessage)).toEqual(["boom", "other"]);
  });

  it("keeps the beginning of a long stack and bounds it at 4096 characters by default", () => {
    const event = failed(withStack(new Error("deep"), 20_000));
    new AddErrorDetailsStampListener().onMessageFailed(event);
    const stack = event.envelope.last(ErrorDetailsStamp)!.stack!;
    expect(stack.length).toBeLessThanOrEqual(4096);
    expect(stack.length).toBeGreaterThan(4000);
    expect(stack.startsWith("Error: deep\n    at frame")).toBe(true);
    expect(stack).toMatch(/\[\.\.\. \d+ more characters truncated\]$/);
  });

  it("takes other bounds, 0 dropping the stack, and leaves short details untouched", () => {
    const small = new AddErrorDetailsStampListener({ maxStackLength: 100, maxMessageLength: 50 });
    const long = small.createStamp(withStack(new Error("x".repeat(500)), 1000));
    expect(long.stack!.length).toBeLessThanOrEqual(100);
    expect(long.errorMessage.length).toBeLessThanOrEqual(50);
    expect(long.errorMessage.startsWith("xxx")).toBe(true);
    expect(
      new AddErrorDetailsStampListener({ maxStackLength: 0 }).createStamp(new Error("e")).stack,
    ).toBeNull();
    const short = new Error("short");
    expect(small.createStamp(withStack(short, 80))).toEqual(ErrorDetailsStamp.create(short));
  });

  it("rejects bounds that are not whole numbers >= 0", () => {
    expect(() => new AddErrorDetailsStampListener({ maxStackLength: -1 })).toThrowError(InvalidArgumentError);
    expect(() => new AddErrorDetailsStampListener({ maxMessageLength: 1.5 })).toThrowError(
      "maxMessageLength must be an integer >= 0, got 1.5.",
    );
  });

  it("subscribes at priority 200 and unsubscribes", async () => {
    const events = new EventDispatcher();
    const order: string[] = [];
    events.on(
      WorkerMessageFailedEvent,
      (e) => void order.push(e.envelope.has(ErrorDetailsStamp) ? "201:after" : "201:before"),
      201,
    );
    events.on(
      WorkerMessageFailedEvent,
      (e) => void order.push(e.envelope.has(ErrorDetailsStamp) ? "199:after" : "199:before"),
      199,
    );
    const off = new AddErrorDetailsStampListener().register(events);
    await events.dispatch(failed(new Error("boom")));
    expect(order).toEqual(["201:before", "199:after"]);
    off();
    const event = await events.dispatch(failed(new Error("boom")));
    expect(event.envelope.has(ErrorDetailsStamp)).toBe(false);
  });
});
