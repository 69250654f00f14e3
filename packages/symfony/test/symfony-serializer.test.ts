import {
  AsMessage,
  BusNameStamp,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  HandledStamp,
  JsonSerializer,
  MessageDecodingFailedError,
  MessengerError,
  ReceivedStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TraceContextStamp,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { decodeOrUndecodable } from "@messenger-ts/core/transport";
import { describe, expect, it } from "vitest";
import { ForeignStamp, phpSerializedMessageClass, SymfonyClassMap, SymfonySerializer } from "../src/index.js";

class SendEmail {
  constructor(
    readonly offerId: number,
    readonly to: string,
    readonly at?: Date,
  ) {}
}
AsMessage("unit.send_email")(SendEmail);

@AsMessage("App\\Message\\Ping")
class Ping {
  constructor(readonly n: number) {}
}

@AsMessage("unit.node_only")
class NodeOnly {}

const classes = new SymfonyClassMap([["App\\Message\\SendEmailMessage", SendEmail]]);
const serializer = new SymfonySerializer({ classes });
const NS = "X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\";

/** What Symfony Messenger 5.4's Serializer (JSON, ObjectNormalizer) wrote for an envelope with these stamps. */
const FROM_PHP = {
  body: '{"offerId":4,"to":"a@b.c","at":"2024-01-02T03:04:05+00:00"}',
  headers: {
    type: "App\\Message\\SendEmailMessage",
    [`${NS}BusNameStamp`]: '[{"busName":"messenger.bus.default"}]',
    [`${NS}DelayStamp`]: '[{"delay":1500}]',
    [`${NS}RedeliveryStamp`]:
      '[{"retryCount":2,"exceptionMessage":null,"flattenException":null,"redeliveredAt":"2026-12-07T06:44:52+00:00"}]',
    [`${NS}ErrorDetailsStamp`]:
      '[{"exceptionClass":"RuntimeException","exceptionCode":0,"exceptionMessage":"boom","flattenException":null}]',
    [`${NS}SentToFailureTransportStamp`]: '[{"originalReceiverName":"async"}]',
    [`${NS}TransportMessageIdStamp`]: '[{"id":42}]',
    [`${NS}HandledStamp`]: '[{"result":"x","handlerName":"App\\\\H::__invoke"}]',
    [`${NS}ValidationStamp`]: '[{"groups":["a"]}]',
    "Content-Type": "application/json",
  },
};

/** What Symfony's PhpSerializer wrote: serialize() with addslashes(), and base64 for a body that is not UTF-8. */
const PHP_SERIALIZED =
  'O:36:\\"Symfony\\\\Component\\\\Messenger\\\\Envelope\\":2:{s:44:\\"\\0Symfony\\\\Component\\\\Messenger\\\\Envelope\\0stamps\\";a:0:{}s:45:\\"\\0Symfony\\\\Component\\\\Messenger\\\\Envelope\\0message\\";O:28:\\"App\\\\Message\\\\SendEmailMessage\\":3:{s:7:\\"offerId\\";i:7;s:2:\\"to\\";s:5:\\"a@b.c\\";s:7:\\"subject\\";s:0:\\"\\";}}';
const PHP_SERIALIZED_BASE64 =
  "TzozNjpcIlN5bWZvbnlcXENvbXBvbmVudFxcTWVzc2VuZ2VyXFxFbnZlbG9wZVwiOjI6e3M6NDQ6XCJcMFN5bWZvbnlcXENvbXBvbmVudFxcTWVzc2VuZ2VyXFxFbnZlbG9wZVwwc3RhbXBzXCI7YTowOnt9czo0NTpcIlwwU3ltZm9ueVxcQ29tcG9uZW50XFxNZXNzZW5nZXJcXEVudmVsb3BlXDBtZXNzYWdlXCI7TzoyODpcIkFwcFxcTWVzc2FnZVxcU2VuZEVtYWlsTWVzc2FnZVwiOjM6e3M6NzpcIm9mZmVySWRcIjtpOjg7czoyOlwidG9cIjtzOjI6XCL//lwiO3M6NzpcInN1YmplY3RcIjtzOjA6XCJcIjt9fQ==";

describe("SymfonySerializer", () => {
  it("reads what Symfony's serializer wrote: the class from the map, the stamps both sides know, the rest kept", () => {
    const envelope = serializer.decode(FROM_PHP);
    expect(envelope.message).toEqual(
      new SendEmail(4, "a@b.c", "2024-01-02T03:04:05+00:00" as unknown as Date),
    );
    expect(envelope.last(BusNameStamp)?.busName).toBe("messenger.bus.default");
    expect(envelope.last(DelayStamp)?.delay).toBe(1500);
    expect(envelope.last(RedeliveryStamp)?.retryCount).toBe(2);
    expect(envelope.last(RedeliveryStamp)?.redeliveredAt.toISOString()).toBe("2026-12-07T06:44:52.000Z");
    expect(envelope.last(ErrorDetailsStamp)).toEqual(
      new ErrorDetailsStamp("RuntimeException", null, "boom", null),
    );
    expect(envelope.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(envelope.last(TransportMessageIdStamp)?.id).toBe(42);
    expect(envelope.last(HandledStamp)?.handlerName).toBe("App\\H::__invoke");
    expect(envelope.all(ForeignStamp)).toEqual([
      new ForeignStamp(`${NS}ValidationStamp`, '[{"groups":["a"]}]'),
    ]);
  });

  it("writes back what it read byte for byte, Symfony's stamps in Symfony's JSON", () => {
    const again = serializer.encode(serializer.decode(FROM_PHP).with(new ReceivedStamp("async")));
    expect(again.body).toBe(FROM_PHP.body);
    expect(again.headers).toEqual({
      ...FROM_PHP.headers,
      // 5.4 writes the "no code" 0 back; the result of a handler is process-local on both sides.
      [`${NS}HandledStamp`]: '[{"result":null,"handlerName":"App\\\\H::__invoke"}]',
    });
  });

  it("writes a new message with the PHP class name and its fields, our own stamps under a header Symfony ignores", () => {
    const encoded = serializer.encode(
      Envelope.wrap(new SendEmail(1, "x@y.z", new Date("2024-05-01T10:20:30.000Z")), [
        new BusNameStamp("messenger.bus.default"),
        new RedeliveryStamp(1, new Date("2024-05-01T10:21:00.250Z")),
        new ErrorDetailsStamp("Error", "HANDLER_FAILED", "it broke", "Error: it broke\n    at x"),
        new TraceContextStamp("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null),
        new ForeignStamp("X-Message-Stamp-App\\Stamp\\TenantStamp", '[{"tenant":"acme"}]'),
      ]),
    );
    expect(encoded.body).toBe('{"offerId":1,"to":"x@y.z","at":"2024-05-01T10:20:30.000Z"}');
    expect(encoded.headers).toEqual({
      type: "App\\Message\\SendEmailMessage",
      [`${NS}BusNameStamp`]: '[{"busName":"messenger.bus.default"}]',
      [`${NS}RedeliveryStamp`]:
        '[{"retryCount":1,"exceptionMessage":null,"flattenException":null,"redeliveredAt":"2024-05-01T10:21:00+00:00"}]',
      [`${NS}ErrorDetailsStamp`]:
        '[{"exceptionClass":"Error","exceptionCode":"HANDLER_FAILED","exceptionMessage":"it broke","flattenException":null}]',
      "X-Messenger-Ts-Stamp-TraceContextStamp":
        '[{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":null}]',
      "X-Message-Stamp-App\\Stamp\\TenantStamp": '[{"tenant":"acme"}]',
      "Content-Type": "application/json",
    });
    const back = serializer.decode(encoded);
    expect(back.last(TraceContextStamp)?.traceparent).toBe(
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    );
    expect(back.last(ErrorDetailsStamp)?.errorCode).toBe("HANDLER_FAILED");
  });

  it("uses a type name that is a PHP class name as it is, and refuses a class without one", () => {
    expect(serializer.encode(Envelope.wrap(new Ping(1))).headers.type).toBe("App\\Message\\Ping");
    expect(serializer.decode({ body: '{"n":2}', headers: { type: "App\\Message\\Ping" } }).message).toEqual(
      new Ping(2),
    );
    expect(() => serializer.encode(Envelope.wrap(new NodeOnly()))).toThrow(
      expect.objectContaining({
        code: "MESSAGE_TYPE_NOT_REGISTERED",
        message: expect.stringContaining("@AsSymfonyMessage"),
      }),
    );
  });

  it("reports a PHP class it has no class for, and a body of Symfony's PhpSerializer, as decoding failures", () => {
    expect(() => serializer.decode({ body: "{}", headers: { type: "App\\Message\\Unknown" } })).toThrow(
      /unknown message type "App\\Message\\Unknown"/,
    );
    for (const body of [PHP_SERIALIZED, PHP_SERIALIZED_BASE64]) {
      expect(phpSerializedMessageClass(body)).toBe("App\\Message\\SendEmailMessage");
      const envelope = decodeOrUndecodable(serializer, { body, headers: {} });
      expect(envelope.message).toBeInstanceOf(UndecodableMessage);
      expect((envelope.message as UndecodableMessage).reason).toMatch(
        /written by Symfony's PhpSerializer .* of App\\Message\\SendEmailMessage\).*messenger\.transport\.symfony_serializer/,
      );
    }
    expect(phpSerializedMessageClass('{"offerId":1}')).toBeUndefined();
  });

  it("fails a known Symfony stamp of the wrong shape (it would be a different message), and keeps the raw headers", () => {
    const headers = { ...FROM_PHP.headers, [`${NS}DelayStamp`]: '[{"delay":"soon"}]' };
    expect(() => serializer.decode({ body: FROM_PHP.body, headers })).toThrow(MessageDecodingFailedError);
    const parked = decodeOrUndecodable(serializer, { body: FROM_PHP.body, headers });
    // Re-encoded for the failure transport: the original body and headers, untouched.
    expect(serializer.encode(parked).headers[`${NS}DelayStamp`]).toBe('[{"delay":"soon"}]');
    expect(serializer.encode(parked).body).toBe(FROM_PHP.body);
  });

  it("lets a transport on the default JSON serializer (a failure transport) keep a Symfony stamp", () => {
    const tenant = new ForeignStamp("X-Message-Stamp-App\\Stamp\\TenantStamp", '[{"tenant":"acme"}]');
    const json = new JsonSerializer();
    const back = json.decode(json.encode(Envelope.wrap(new Ping(3), [tenant])));
    expect(back.all(ForeignStamp)).toEqual([tenant]);
    expect(serializer.encode(back).headers[tenant.header]).toBe('[{"tenant":"acme"}]');
  });

  it("checks the class map: PHP class names only, one class per name", () => {
    const map = new SymfonyClassMap();
    expect(() => map.register("App\\Message\\Bad Name", SendEmail)).toThrow(
      expect.objectContaining({ code: "INVALID_TYPE_NAME" }),
    );
    map.register("\\App\\Message\\SendEmailMessage", SendEmail);
    expect(map.classFor("App\\Message\\SendEmailMessage")).toBe(SendEmail);
    expect(() => map.register("App\\Message\\SendEmailMessage", Ping)).toThrow(
      expect.objectContaining({ code: "DUPLICATE_TYPE_NAME" }),
    );
    expect(() => map.register("App\\X", Ping)).not.toThrow(MessengerError);
  });
});
