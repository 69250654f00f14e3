import { describe, expect, it } from "vitest";
import {
  AsMessage,
  createMessenger,
  defineHandler,
  type RoutingConfig,
  SentStamp,
  type Stamp,
  TransportNamesStamp,
} from "../../src/index.js";
import { RecordingTransportFactory } from "../fixtures/recording-transport.js";

@AsMessage("test.routing.lead_analyze", { transport: "low" })
class AnalyzeLead {}
@AsMessage("test.routing.lead_urgent_analyze")
class UrgentAnalyzeLead extends AnalyzeLead {}
@AsMessage("test.routing.email_send")
class SendEmail {}
class Unrouted {}
@AsMessage("test.routing.decorated_only", { transport: ["low", "high"] })
class DecoratedOnly {}

function build(routing: RoutingConfig) {
  const factory = new RecordingTransportFactory();
  const messenger = createMessenger({
    handlers: [defineHandler("*", function any() {})],
    transportFactories: [factory],
    transports: { high: "record://", low: "record://", audit: "record://", fallback: "record://" },
    routing,
  });
  const sentTo = async (message: object, stamps: Stamp[] = []) =>
    (await messenger.bus.dispatch(message, stamps)).all(SentStamp).map((s) => s.senderAlias);
  return { messenger, sentTo };
}

describe("routing", () => {
  it("routes by type name, class name, class entries and wildcards, accumulating parents", async () => {
    const { sentTo } = build([
      [UrgentAnalyzeLead, "high"],
      ["test.routing.lead_analyze", "audit"],
      ["test.routing.*", "low"],
      ["SendEmail", ["high"]],
      ["*", "fallback"],
    ]);
    expect(await sentTo(new UrgentAnalyzeLead())).toEqual(["high", "low", "audit"]);
    expect(await sentTo(new SendEmail())).toEqual(["high", "low"]);
  });

  it("uses * only when nothing more specific matched", async () => {
    const { sentTo } = build({ "test.routing.email_send": "high", "*": "fallback" });
    expect(await sentTo(new SendEmail())).toEqual(["high"]);
    expect(await sentTo(new Unrouted())).toEqual(["fallback"]);
  });

  it("lets configuration win over @AsMessage, which applies when configuration says nothing", async () => {
    const { sentTo } = build({ "test.routing.lead_analyze": "audit" });
    expect(await sentTo(new AnalyzeLead())).toEqual(["audit"]);
    expect(await sentTo(new DecoratedOnly())).toEqual(["low", "high"]);
    expect(await sentTo(new Unrouted())).toEqual([]);
  });

  it("sends exactly to the transports of a TransportNamesStamp", async () => {
    const { sentTo } = build({ "*": "fallback" });
    expect(await sentTo(new SendEmail(), [new TransportNamesStamp(["audit", "high"])])).toEqual([
      "audit",
      "high",
    ]);
  });

  it("rejects an unknown transport in routing, listing the configured ones", () => {
    expect(() => build({ "test.routing.email_send": "hgih" })).toThrowError(
      /Unknown transport "hgih" in routing of "test.routing.email_send"; configured transports: high, low, audit, fallback/,
    );
  });

  it("does not handle a message locally once it was sent", async () => {
    let handled = 0;
    const factory = new RecordingTransportFactory();
    const messenger = createMessenger({
      handlers: [
        defineHandler(SendEmail, function send() {
          handled++;
        }),
      ],
      transportFactories: [factory],
      transports: { async: "record://" },
      routing: { "test.routing.email_send": "async" },
    });
    await messenger.bus.dispatch(new SendEmail());
    expect(handled).toBe(0);
    expect(factory.created.get("async")?.sent).toHaveLength(1);
  });
});
