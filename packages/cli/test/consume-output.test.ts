import {
  Envelope,
  EventDispatcher,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportMessageIdStamp,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  WorkerMessageRetriedEvent,
  WorkerRateLimitedEvent,
  WorkerTransportPausedEvent,
  WorkerTransportResumedEvent,
} from "@messenger-ts/core";
import { ScheduledStamp, ServiceCallMessage } from "@messenger-ts/scheduler";
import { createColors } from "picocolors";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MessageLogListener } from "../src/worker-output/message-log-listener.js";
import { stopConditionsText } from "../src/worker-output/stop-conditions-text.js";
import { WorkerStatusLine } from "../src/worker-output/worker-status-line.js";

const CLEAR = "\r\x1b[2K";

describe("stopConditionsText", () => {
  it("says Symfony's sentence, conditions in Symfony's order", () => {
    expect(
      stopConditionsText({
        limit: 10,
        failureLimit: 2,
        memoryLimit: "128M",
        timeLimit: 3600,
        stopWorkers: true,
      }),
    ).toBe(
      "The worker will automatically exit once it has processed 10 messages, reached 2 failed messages, exceeded 128M of memory, been running for 3600s or received a stop signal via the messenger:stop-workers command.",
    );
    expect(stopConditionsText({ timeLimit: 1.5, stopWorkers: false })).toBe(
      "The worker will automatically exit once it has been running for 1.5s.",
    );
    expect(stopConditionsText({ stopWorkers: false })).toBeUndefined();
  });
});

describe("WorkerStatusLine", () => {
  let written: string[];
  let now: number;
  let line: WorkerStatusLine;
  const events = new EventDispatcher();
  const envelope = Envelope.wrap({ n: 1 });

  beforeEach(() => {
    vi.useFakeTimers();
    written = [];
    now = 0;
    line = new WorkerStatusLine({ write: (text) => written.push(text), now: () => now, interval: 250 });
  });
  afterEach(() => {
    line.stop();
    vi.useRealTimers();
  });

  it("counts handled, failed and retried messages from the worker events", async () => {
    const off = line.register(events);
    await events.dispatch(new WorkerMessageHandledEvent(envelope, "async"));
    await events.dispatch(new WorkerMessageHandledEvent(envelope, "async"));
    await events.dispatch(new WorkerMessageFailedEvent(envelope, "async", new Error("no")));
    await events.dispatch(new WorkerMessageRetriedEvent(envelope, "async"));
    off();
    await events.dispatch(new WorkerMessageHandledEvent(envelope, "async"));
    expect([line.handled, line.failed, line.retried]).toEqual([2, 1, 1]);
  });

  it("redraws in place on its timer, only when the text changed, with the recent rate", () => {
    line.start();
    expect(written).toEqual([`${CLEAR}Handled 0, failed 0, retried 0 (0.0 messages/s)`]);
    vi.advanceTimersByTime(250); // nothing new: the rate is still 0, so no write
    expect(written).toHaveLength(1);
    now = 2000;
    line.handled = 10;
    vi.advanceTimersByTime(250);
    expect(written.at(-1)).toBe(`${CLEAR}Handled 10, failed 0, retried 0 (5.0 messages/s)`);
    // Ten seconds later with nothing done, the window no longer holds those ten: the rate falls.
    now = 12_000;
    vi.advanceTimersByTime(250);
    now = 12_250;
    vi.advanceTimersByTime(250);
    expect(written.at(-1)).toBe(`${CLEAR}Handled 10, failed 0, retried 0 (0.0 messages/s)`);
  });

  it("keeps what others print above the line, and leaves the last figures behind when stopped", () => {
    const stream = {
      out: [] as string[],
      write(chunk: string): boolean {
        this.out.push(chunk);
        return true;
      },
    };
    line = new WorkerStatusLine({ write: (text) => stream.write(text), now: () => now });
    const restore = line.interceptWrites([stream]);
    line.start();
    line.handled = 1;
    stream.write("handled 1\n");
    expect(stream.out).toEqual([
      `${CLEAR}Handled 0, failed 0, retried 0 (0.0 messages/s)`,
      CLEAR,
      "handled 1\n",
      `${CLEAR}Handled 1, failed 0, retried 0 (0.0 messages/s)`,
    ]);
    // Half a line printed: drawing now would erase it, so the line waits for the newline.
    stream.out.length = 0;
    stream.write("partial");
    vi.advanceTimersByTime(1000);
    expect(stream.out).toEqual([CLEAR, "partial"]);
    stream.write(" line\n");
    expect(stream.out.slice(2)).toEqual([
      " line\n",
      `${CLEAR}Handled 1, failed 0, retried 0 (0.0 messages/s)`,
    ]);
    stream.out.length = 0;
    line.stop();
    expect(stream.out).toEqual(["\n"]);
    restore();
    stream.out.length = 0;
    stream.write("after\n");
    expect(stream.out).toEqual(["after\n"]);
  });
});

describe("MessageLogListener", () => {
  class Invoice {}
  const at = Date.UTC(2026, 0, 31, 12, 0, 0);
  const time = new Date(at).toTimeString().slice(0, 8);

  function listen(failureTransport: string | undefined) {
    const written: string[] = [];
    const events = new EventDispatcher();
    new MessageLogListener({
      write: (text) => written.push(text),
      colors: createColors(false),
      now: () => at,
      failureTransportFor: () => failureTransport,
    }).register(events);
    return { written, events };
  }

  it("says a message without a failure transport is removed, with its retries", async () => {
    const { written, events } = listen(undefined);
    const envelope = Envelope.wrap(new Invoice(), [new TransportMessageIdStamp(9), new RedeliveryStamp(3)]);
    await events.dispatch(new WorkerMessageReceivedEvent(envelope, "async"));
    await events.dispatch(new WorkerMessageFailedEvent(envelope, "async", new Error("boom")));
    expect(written).toEqual([
      `${time} INFO    Received message Invoice (id 9) from "async"\n`,
      `${time} WARNING Error thrown while handling message Invoice (id 9) in 0 ms: boom\n`,
      `${time} ERROR   Message Invoice (id 9) removed from "async" after 3 retries (no failure transport)\n`,
    ]);
  });

  it("says a message that failed again in a failure transport stays there", async () => {
    const { written, events } = listen("failed");
    const envelope = Envelope.wrap(new Invoice(), [new SentToFailureTransportStamp("async")]);
    await events.dispatch(new WorkerMessageFailedEvent(envelope, "failed", new Error("still broken")));
    expect(written.at(-1)).toBe(`${time} ERROR   Message Invoice failed again; it stays in "failed"\n`);
  });

  it("names the task a schedule fired, its schedule and its trigger", async () => {
    const { written, events } = listen(undefined);
    const stamp = new ScheduledStamp("default", "0123456789abcdef", "every 1 hour", new Date(at), null);
    const task = Envelope.wrap(new ServiceCallMessage("cleanup", "purge"), [
      new TransportMessageIdStamp(4),
      stamp,
    ]);
    await events.dispatch(new WorkerMessageReceivedEvent(task, "scheduler_default"));
    await events.dispatch(new WorkerMessageHandledEvent(task, "scheduler_default"));
    const message = Envelope.wrap(new Invoice(), [stamp]);
    await events.dispatch(new WorkerMessageReceivedEvent(message, "scheduler_default"));
    expect(written).toEqual([
      `${time} INFO    Received message scheduler.service_call (id 4) [task @cleanup::purge of schedule "default", every 1 hour] from "scheduler_default"\n`,
      `${time} INFO    Message scheduler.service_call (id 4) [task @cleanup::purge of schedule "default", every 1 hour] handled successfully in 0 ms (acknowledging to transport)\n`,
      `${time} INFO    Received message Invoice [of schedule "default", every 1 hour] from "scheduler_default"\n`,
    ]);
  });

  it("says when a rate limiter makes the worker wait", async () => {
    const { written, events } = listen("failed");
    await events.dispatch(new WorkerRateLimitedEvent("async", 250));
    expect(written).toEqual([`${time} INFO    Transport "async" is rate limited; waiting 250 ms\n`]);
  });

  it("says when the worker sees a transport paused and resumed", async () => {
    const { written, events } = listen("failed");
    await events.dispatch(new WorkerTransportPausedEvent("async"));
    await events.dispatch(new WorkerTransportResumedEvent("async"));
    expect(written).toEqual([
      `${time} INFO    Transport "async" is paused (messenger:pause): not fetching from it\n`,
      `${time} INFO    Transport "async" was resumed: fetching from it again\n`,
    ]);
  });
});
