import {
  Envelope,
  EventDispatcher,
  TransportMessageIdStamp,
  WorkerMessageAbandonedEvent,
  WorkerTransportFailedEvent,
  WorkerTransportRecoveredEvent,
} from "@messenger-ts/core";
import { createColors } from "picocolors";
import { describe, expect, it } from "vitest";
import { TransportOutageListener } from "../src/worker-output/transport-outage-listener.js";

class Job {}

function listen(quiet: boolean) {
  const lines: string[] = [];
  const events = new EventDispatcher();
  new TransportOutageListener({
    write: (text) => void lines.push(text.slice(9).trimEnd()),
    colors: createColors(false),
    now: () => 0,
    quiet,
  }).register(events);
  return { lines, events };
}

describe("TransportOutageListener", () => {
  it("prints the first failure, a reminder with how long, and the recovery", async () => {
    const { lines, events } = listen(false);
    const error = new Error("connect ECONNREFUSED 127.0.0.1:6379");
    await events.dispatch(new WorkerTransportFailedEvent("orders", "receive", error, 0, 1));
    await events.dispatch(new WorkerTransportFailedEvent("orders", "acknowledge", error, 31_000, 29));
    await events.dispatch(new WorkerTransportRecoveredEvent("orders", "receive", 42_400));
    expect(lines).toEqual([
      'ERROR   Could not receive messages from transport "orders": connect ECONNREFUSED 127.0.0.1:6379; will try again',
      'ERROR   Transport "orders" is still failing after 31 s (29 attempts): connect ECONNREFUSED 127.0.0.1:6379',
      'WARNING Transport "orders" is reachable again after 42 s',
    ]);
  });

  it("masks credentials in the error and its cause, and adds the cause's own words", async () => {
    const { lines, events } = listen(false);
    const error = new Error("cannot reach postgres://app:s3cret@db:5432/app", {
      cause: new Error("getaddrinfo ENOTFOUND redis://hunter2@cache:6379"),
    });
    await events.dispatch(new WorkerTransportFailedEvent("orders", "receive", error, 0, 1));
    expect(lines[0]).toContain("postgres://app:***@db:5432/app");
    expect(lines[0]).toContain("(getaddrinfo ENOTFOUND redis://***@cache:6379)");
    expect(lines[0]).not.toMatch(/s3cret|hunter2/);
  });

  it("with -q prints the failures and abandoned messages, not the recovery", async () => {
    const { lines, events } = listen(true);
    await events.dispatch(new WorkerTransportFailedEvent("orders", "receive", new Error("down"), 0, 1));
    await events.dispatch(new WorkerTransportRecoveredEvent("orders", "receive", 5_000));
    const envelope = Envelope.wrap(new Job(), [new TransportMessageIdStamp(7)]);
    await events.dispatch(new WorkerMessageAbandonedEvent(envelope, "orders"));
    expect(lines).toEqual([
      'ERROR   Could not receive messages from transport "orders": down; will try again',
      'ERROR   Abandoned message Job (id 7) from "orders": neither acknowledged nor rejected; it will be delivered again after the transport\'s redelivery timeout',
    ]);
  });
});
