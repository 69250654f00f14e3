import {
  AsMessage,
  createMessenger,
  DeduplicatedStamp,
  DeduplicateStamp,
  MessageDeduplicatedEvent,
  PriorityStamp,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { type InMemoryTransport, InMemoryTransportFactory } from "../src/index.js";

@AsMessage("memory_test.sync_customer")
class SyncCustomer {
  constructor(readonly id: number) {}
}

function messenger() {
  const built = createMessenger({
    transports: { async: "in-memory://" },
    transportFactories: [new InMemoryTransportFactory()],
    routing: [[SyncCustomer, "async"]],
  });
  return { messenger: built, transport: built.getTransport("async") as InMemoryTransport };
}

describe("deduplication through the default bus", () => {
  it("returns the transport's DeduplicatedStamp from dispatch and dispatches MessageDeduplicatedEvent", async () => {
    const { messenger: m, transport } = messenger();
    const events: MessageDeduplicatedEvent[] = [];
    m.events.on(MessageDeduplicatedEvent, (event) => {
      events.push(event);
    });
    const first = await m.bus.dispatch(new SyncCustomer(1), [new DeduplicateStamp("customer-1")]);
    const second = await m.bus.dispatch(new SyncCustomer(1), [new DeduplicateStamp("customer-1")]);
    expect(first.has(DeduplicatedStamp)).toBe(false);
    expect(second.last(DeduplicatedStamp)).toMatchObject({ key: "customer-1", replaced: false });
    expect(events).toHaveLength(1);
    expect(events[0]!.envelope.message).toEqual(new SyncCustomer(1));
    expect(events[0]!.stamps.map((stamp) => stamp.key)).toEqual(["customer-1"]);
    expect(transport.getSent()).toHaveLength(1);
    await m.close();
  });

  it("leaves dispatches without a key alone, also through the bus's direct call", async () => {
    const { messenger: m, transport } = messenger();
    let events = 0;
    m.events.on(MessageDeduplicatedEvent, () => {
      events++;
    });
    for (let n = 0; n < 3; n++) await m.bus.dispatch(new SyncCustomer(2));
    await m.bus.dispatch(new SyncCustomer(3), [new PriorityStamp(9)]);
    expect(transport.getSent()).toHaveLength(4);
    expect(events).toBe(0);
    const [first] = await transport.get();
    expect(first!.message, "the prioritized one is taken first").toEqual(new SyncCustomer(3));
    await m.close();
  });
});
