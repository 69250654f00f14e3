import { createMessenger, TransportMessageIdStamp } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { dispatchedMessages, type InMemoryTransport, InMemoryTransportFactory } from "../src/index.js";
import { OrderPlaced, SendEmail } from "./support/messages.js";

/** Not registered with @AsMessage: a serializing transport cannot encode it. */
class Unregistered {
  constructor(readonly n: number) {}
}

function setup(dsn: string) {
  const messenger = createMessenger({
    transports: { async: dsn },
    transportFactories: [new InMemoryTransportFactory()],
    routing: { [SendEmail.name]: "async", [OrderPlaced.name]: "async", [Unregistered.name]: "async" },
  });
  return { messenger, transport: messenger.getTransport("async") as InMemoryTransport };
}

describe("bus.dispatchMany on the in-memory transport", () => {
  it("stores every message in one sendMany, in order, each with its own id", async () => {
    const { messenger, transport } = setup("in-memory://");
    const messages = [new SendEmail("a"), new OrderPlaced(1), new SendEmail("b")];
    const sent = await messenger.bus.dispatchMany(messages);
    expect(dispatchedMessages(transport)).toEqual(messages);
    const ids = sent.map((e) => e.last(TransportMessageIdStamp)?.id);
    expect(new Set(ids).size).toBe(3);
    expect((await transport.get()).map((e) => e.last(TransportMessageIdStamp)?.id)).toEqual(ids);
  });

  it("stores none when one of them cannot be encoded (serialize=true): all or nothing", async () => {
    const { messenger, transport } = setup("in-memory://?serialize=true");
    await expect(
      messenger.bus.dispatchMany([new SendEmail("a"), new Unregistered(1), new SendEmail("b")]),
    ).rejects.toMatchObject({ code: "MESSAGE_TYPE_NOT_REGISTERED" });
    expect(dispatchedMessages(transport)).toEqual([]);
  });
});
