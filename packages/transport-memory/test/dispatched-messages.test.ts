import { Envelope } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { dispatchedMessages, InMemoryTransport, processQueued } from "../src/index.js";
import { HandlerBus } from "./support/handler-bus.js";
import { OrderPlaced, SendEmail } from "./support/messages.js";

class PriorityEmail extends SendEmail {}

describe("dispatchedMessages", () => {
  it("returns the sent messages in send order, or only the instances of a class", async () => {
    const transport = new InMemoryTransport();
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new OrderPlaced(1)));
    await transport.send(Envelope.wrap(new PriorityEmail("b")));
    expect(dispatchedMessages(transport)).toEqual([
      new SendEmail("a"),
      new OrderPlaced(1),
      new PriorityEmail("b"),
    ]);
    const emails: SendEmail[] = dispatchedMessages(transport, SendEmail);
    expect(emails).toEqual([new SendEmail("a"), new PriorityEmail("b")]);
    expect(dispatchedMessages(transport, OrderPlaced)).toEqual([new OrderPlaced(1)]);
  });

  it("still lists messages after they were handled, until the transport is reset", async () => {
    const transport = new InMemoryTransport();
    await transport.send(Envelope.wrap(new OrderPlaced(1)));
    await processQueued(transport, new HandlerBus(() => undefined));
    expect(dispatchedMessages(transport, OrderPlaced)).toEqual([new OrderPlaced(1)]);
    transport.reset();
    expect(dispatchedMessages(transport)).toEqual([]);
  });
});
