import { describe, expect, it } from "vitest";
import { decodeOrUndecodable } from "../../src/entry-points/transport.js";
import {
  AsMessage,
  Envelope,
  JsonSerializer,
  MessageDecodingFailedError,
  MessageDecodingFailedStamp,
  ReceivedStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  type Serializer,
  UndecodableMessage,
} from "../../src/index.js";

@AsMessage("test.serializer.undecodable.greet")
class Greet {
  constructor(readonly name: string) {}
}

const serializer = new JsonSerializer();

describe("decodeOrUndecodable", () => {
  it("returns the decoded envelope when decoding works", () => {
    const envelope = decodeOrUndecodable(serializer, serializer.encode(Envelope.wrap(new Greet("Ada"))));
    expect(envelope.message).toEqual(new Greet("Ada"));
    expect(envelope.has(MessageDecodingFailedStamp)).toBe(false);
  });

  it("wraps what cannot be decoded, keeping the raw body, headers and the reason", () => {
    const encoded = {
      body: '{"name": "Ada"}',
      headers: { type: "test.serializer.undecodable.renamed", "X-Message-Stamp-DelayStamp": "[{" },
    };
    const envelope = decodeOrUndecodable(serializer, encoded);
    const message = envelope.message as UndecodableMessage;
    expect(message).toBeInstanceOf(UndecodableMessage);
    expect(message.body).toBe(encoded.body);
    expect(message.headers).toEqual(encoded.headers);
    expect(message.reason).toMatch(/unknown message type "test\.serializer\.undecodable\.renamed"/);
    expect(envelope.last(MessageDecodingFailedStamp)?.reason).toBe(message.reason);
  });

  it("lets errors other than decoding failures through (bugs must surface)", () => {
    const broken: Serializer = {
      encode: () => ({ body: "", headers: {} }),
      decode: () => {
        throw new TypeError("bug");
      },
    };
    expect(() => decodeOrUndecodable(broken, { body: "{}", headers: {} })).toThrow(TypeError);
  });

  it("re-encodes with the original body and headers plus the current stamp headers", () => {
    const original = {
      body: "not json at all",
      headers: {
        type: "test.serializer.undecodable.greet",
        "Content-Type": "application/json",
        "x-message-stamp-redeliverystamp": '[{"retryCount":1,"redeliveredAt":"2024-01-01T00:00:00.000Z"}]',
        "X-Custom": "kept",
      },
    };
    const received = decodeOrUndecodable(serializer, original);
    expect(received.message).toBeInstanceOf(UndecodableMessage);
    const failed = received.with(
      new ReceivedStamp("async"),
      new RedeliveryStamp(3, new Date("2024-02-02T00:00:00.000Z")),
      new SentToFailureTransportStamp("async"),
    );
    const encoded = serializer.encode(failed);
    expect(encoded.body).toBe(original.body);
    expect(encoded.headers).toEqual({
      type: "test.serializer.undecodable.greet",
      "Content-Type": "application/json",
      "X-Custom": "kept",
      "X-Message-Stamp-MessageDecodingFailedStamp": JSON.stringify([
        { reason: received.last(MessageDecodingFailedStamp)!.reason },
      ]),
      // The stamp read back from the (lowercased) header keeps its history; the new one follows it.
      "X-Message-Stamp-RedeliveryStamp":
        '[{"retryCount":1,"redeliveredAt":"2024-01-01T00:00:00.000Z"},{"retryCount":3,"redeliveredAt":"2024-02-02T00:00:00.000Z"}]',
      "X-Message-Stamp-SentToFailureTransportStamp": '[{"originalReceiverName":"async"}]',
    });
    // Still undecodable on the failure transport, and still kept rather than lost.
    const again = decodeOrUndecodable(serializer, encoded);
    expect((again.message as UndecodableMessage).body).toBe(original.body);
    expect(() => serializer.decode(encoded)).toThrow(MessageDecodingFailedError);
  });
});

describe("UndecodableMessage with hostile headers", () => {
  it("keeps a __proto__ header as a plain key through decode and re-encode, polluting nothing", () => {
    const headers = JSON.parse('{"type":"test.serializer.undecodable.nope","__proto__":{"polluted":"yes"}}');
    const envelope = decodeOrUndecodable(serializer, { body: "{}", headers });
    const message = envelope.message as UndecodableMessage;
    expect(Object.getPrototypeOf(message.headers)).toBe(Object.prototype);
    expect(Object.hasOwn(message.headers, "__proto__")).toBe(true);
    const encoded = serializer.encode(envelope);
    expect(Object.hasOwn(encoded.headers, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(encoded.headers)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("stamps of an undecodable message", () => {
  it("are recovered from the headers where they can be, so the failure path still shows them", async () => {
    const { JsonSerializer, SentToFailureTransportStamp, ErrorDetailsStamp, MessageDecodingFailedStamp } =
      await import("../../src/index.js");
    const { decodeOrUndecodable } = await import("../../src/entry-points/transport.js");
    const serializer = new JsonSerializer();
    const envelope = decodeOrUndecodable(serializer, {
      body: "{not json",
      headers: {
        type: "nobody.knows",
        "X-Message-Stamp-SentToFailureTransportStamp": '[{"originalReceiverName":"async"}]',
        "X-Message-Stamp-ErrorDetailsStamp":
          '[{"errorClass":"Error","errorCode":null,"errorMessage":"boom","stack":null}]',
        "X-Message-Stamp-NoSuchStamp": "[{}]",
        "X-Message-Stamp-DelayStamp": "not json",
      },
    });
    expect(envelope.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(envelope.last(ErrorDetailsStamp)?.errorMessage).toBe("boom");
    expect(envelope.has(MessageDecodingFailedStamp)).toBe(true);
    expect(envelope.all().size).toBe(3);
  });
});
