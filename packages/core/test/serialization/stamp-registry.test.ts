import { describe, expect, it } from "vitest";
import {
  builtInSendableStamps,
  createDefaultStampRegistry,
  StampRegistry,
} from "../../src/entry-points/serialization.js";
import {
  BusNameStamp,
  DeduplicateStamp,
  DelayStamp,
  ErrorDetailsStamp,
  HandledStamp,
  InvalidArgumentError,
  MessageDecodingFailedStamp,
  NonSendableStamp,
  PriorityStamp,
  RedeliveryStamp,
  SentAtStamp,
  SentToFailureTransportStamp,
  Stamp,
  TraceContextStamp,
  TransportMessageIdStamp,
  TransportNamesStamp,
} from "../../src/index.js";

class AppStamp extends Stamp {
  static readonly stampName = "test.AppStamp";
  constructor(readonly tenant: string) {
    super();
  }
  static fromJSON(data: unknown): AppStamp {
    return new AppStamp((data as { tenant: string }).tenant);
  }
}

describe("StampRegistry", () => {
  it("knows every built-in sendable stamp by its wire name", () => {
    const registry = createDefaultStampRegistry();
    const expected = [
      BusNameStamp,
      HandledStamp,
      TransportMessageIdStamp,
      TransportNamesStamp,
      DelayStamp,
      RedeliveryStamp,
      ErrorDetailsStamp,
      SentToFailureTransportStamp,
      MessageDecodingFailedStamp,
      DeduplicateStamp,
      PriorityStamp,
      SentAtStamp,
      TraceContextStamp,
    ];
    expect(builtInSendableStamps).toHaveLength(expected.length);
    for (const type of expected) {
      expect(registry.classFor(type.stampName)).toBe(type);
      expect(registry.has(type)).toBe(true);
    }
  });

  it("finds a name case-insensitively, for brokers that lowercase header names", () => {
    expect(new StampRegistry().classFor("busnamestamp")).toBe(BusNameStamp);
  });

  it("registers an application stamp, and registering it twice is harmless", () => {
    const registry = new StampRegistry();
    expect(registry.has(AppStamp)).toBe(false);
    registry.register(AppStamp).register(AppStamp);
    expect(registry.classFor("test.AppStamp")).toBe(AppStamp);
    expect(registry.stampNames()).toContain("test.AppStamp");
  });

  it("rejects a stamp class without stampName/fromJSON", () => {
    class Plain extends Stamp {}
    expect(() => new StampRegistry().register(Plain)).toThrow(InvalidArgumentError);
    expect(() => new StampRegistry().register(Plain)).toThrow(/static "stampName".*"fromJSON/);
  });

  it("rejects non-sendable stamps and classes that are not stamps", () => {
    class Local extends NonSendableStamp {
      static readonly stampName = "Local";
      static fromJSON(): Local {
        return new Local();
      }
    }
    expect(() => new StampRegistry().register(Local)).toThrow(/NonSendableStamp/);
    const notAStamp = class NotAStamp {} as unknown as typeof AppStamp;
    expect(() => new StampRegistry().register(notAStamp)).toThrow(/does not extend Stamp/);
  });

  it("rejects two classes claiming one name, including a subclass inheriting its parent's", () => {
    class Other extends Stamp {
      static readonly stampName = "busnamestamp";
      static fromJSON(): Other {
        return new Other();
      }
    }
    class MyBusName extends BusNameStamp {}
    const registry = new StampRegistry();
    expect(() => registry.register(Other)).toThrow(expect.objectContaining({ code: "DUPLICATE_STAMP_NAME" }));
    expect(() => registry.register(MyBusName)).toThrow(/claimed by two classes: BusNameStamp/);
    expect(registry.has(MyBusName)).toBe(false);
  });

  it("rejects a name that cannot be part of a header name", () => {
    class Spaced extends Stamp {
      static readonly stampName = "my stamp";
      static fromJSON(): Spaced {
        return new Spaced();
      }
    }
    expect(() => new StampRegistry().register(Spaced)).toThrow(
      expect.objectContaining({ code: "INVALID_STAMP_NAME" }),
    );
  });

  it("can start empty", () => {
    expect(new StampRegistry([]).classFor("BusNameStamp")).toBeUndefined();
  });
});

describe("the shared sendableStamps registry", () => {
  it("is what a default JsonSerializer reads, so a package can make its stamps travel on import", async () => {
    const { Envelope, JsonSerializer, Stamp } = await import("../../src/index.js");
    const { sendableStamps } = await import("../../src/entry-points/serialization.js");
    class TenantStamp extends Stamp {
      static readonly stampName = "test.shared.TenantStamp";
      constructor(readonly tenant: string) {
        super();
      }
      static fromJSON(data: unknown) {
        return new TenantStamp((data as { tenant: string }).tenant);
      }
    }
    class Note {}
    const { AsMessage } = await import("../../src/index.js");
    AsMessage("test.shared.note")(Note);
    const envelope = Envelope.wrap(new Note(), [new TenantStamp("acme")]);
    expect(() => new JsonSerializer().encode(envelope)).toThrowError(/not a registered sendable stamp/);
    sendableStamps.register(TenantStamp);
    const decoded = new JsonSerializer().decode(new JsonSerializer().encode(envelope));
    expect(decoded.last(TenantStamp)?.tenant).toBe("acme");
  });
});
