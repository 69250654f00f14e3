import { describe, expect, it } from "vitest";
import {
  type BrokerRedeliveryAware,
  ConsumedByWorkerStamp,
  createMessenger,
  defineHandler,
  Envelope,
  HandlerFailedError,
  NonSendableStamp,
  ReceivedStamp,
  RejectRedeliveredMessageError,
  SentToFailureTransportStamp,
  UnrecoverableMessageHandlingError,
} from "../../src/index.js";
import { UndecodableMessage } from "../../src/serialization/undecodable-message.js";

class Charge {}

class BrokerReceivedStamp extends NonSendableStamp implements BrokerRedeliveryAware {
  constructor(readonly isRedeliveredByBroker: boolean) {
    super();
  }
}

describe("middleware on the worker path", () => {
  it("handles a message from the failure transport as if it came from its original transport", async () => {
    const ran: string[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(
          Charge,
          function charge() {
            ran.push("charge");
          },
          { fromTransport: "payments" },
        ),
      ],
    });
    const fromFailed = Envelope.wrap(new Charge(), [
      new SentToFailureTransportStamp("payments"),
      new ReceivedStamp("failed"),
    ]);
    await messenger.bus.dispatch(fromFailed);
    expect(ran).toEqual(["charge"]);
  });

  it("rejects a broker redelivery consumed by a worker, and nothing else", async () => {
    const messenger = createMessenger({ handlers: [defineHandler(Charge, function charge() {})] });
    const consumed = [new ReceivedStamp("amqp"), new ConsumedByWorkerStamp()];
    await expect(
      messenger.bus.dispatch(Envelope.wrap(new Charge(), [...consumed, new BrokerReceivedStamp(true)])),
    ).rejects.toThrowError(RejectRedeliveredMessageError);
    await expect(
      messenger.bus.dispatch(Envelope.wrap(new Charge(), [...consumed, new BrokerReceivedStamp(false)])),
    ).resolves.toBeInstanceOf(Envelope);
  });

  it("fails an undecodable message as unrecoverable instead of handling it", async () => {
    let ran = 0;
    const messenger = createMessenger({
      handlers: [
        defineHandler("*", function any() {
          ran++;
        }),
      ],
    });
    const envelope = Envelope.wrap(new UndecodableMessage("{oops", { type: "x" }, "bad JSON"), [
      new ReceivedStamp("async"),
    ]);
    const error = await messenger.bus.dispatch(envelope).catch((e) => e);
    expect(error).toBeInstanceOf(UnrecoverableMessageHandlingError);
    expect(error.message).toContain("bad JSON");
    expect(error).not.toBeInstanceOf(HandlerFailedError);
    expect(ran).toBe(0);
  });
});
