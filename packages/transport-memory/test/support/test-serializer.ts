import {
  BusNameStamp,
  DelayStamp,
  type EncodedEnvelope,
  Envelope,
  HandledStamp,
  MessageDecodingFailedError,
  messageTypes,
  RedeliveryStamp,
  type SendableStampClass,
  type Serializer,
  type Stamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { isSendableStampClass } from "@messenger-ts/core/serialization";

const STAMP_HEADER = "X-Message-Stamp-";
const STAMPS: readonly SendableStampClass[] = [
  BusNameStamp,
  DelayStamp,
  HandledStamp,
  RedeliveryStamp,
  TransportMessageIdStamp,
];

/**
 * A deliberately small JSON serializer for these tests, so they do not depend on core's serializer
 * being finished. Same wire shape (body = message JSON, `type` header, one header per stamp class);
 * `encodeCalls` and `failEncodingOf` let tests see and break the encoding step.
 */
export class TestSerializer implements Serializer {
  encodeCalls = 0;
  /** Encoding a message for which this returns true throws, as a serializer meeting bad data would. */
  failEncodingOf: (message: object) => boolean = () => false;

  encode(envelope: Envelope): EncodedEnvelope {
    this.encodeCalls++;
    if (this.failEncodingOf(envelope.message)) throw new Error("TestSerializer: cannot encode this message");
    const type = messageTypes.typeNameOf(envelope.message.constructor as never);
    if (!type)
      throw new Error(`TestSerializer: ${envelope.message.constructor.name} has no @AsMessage type name`);
    const headers: Record<string, string> = { type, "Content-Type": "application/json" };
    for (const [stampType, stamps] of envelope.all()) {
      if (isSendableStampClass(stampType))
        headers[`${STAMP_HEADER}${stampType.stampName}`] = JSON.stringify(stamps);
    }
    return { body: JSON.stringify(envelope.message), headers };
  }

  decode(encoded: EncodedEnvelope): Envelope {
    const type = messageTypes.classFor(encoded.headers.type ?? "");
    if (!type) throw new MessageDecodingFailedError(`Unknown message type "${encoded.headers.type}".`);
    let data: unknown;
    try {
      data = JSON.parse(encoded.body);
    } catch (error) {
      throw new MessageDecodingFailedError("The body is not JSON.", { cause: error });
    }
    const message = Object.assign(Object.create(type.prototype) as object, data);
    const stamps: Stamp[] = [];
    for (const [name, value] of Object.entries(encoded.headers)) {
      if (!name.startsWith(STAMP_HEADER)) continue;
      const stampType = STAMPS.find((s) => s.stampName === name.slice(STAMP_HEADER.length));
      if (!stampType) continue;
      let items: unknown[];
      try {
        items = JSON.parse(value) as unknown[];
      } catch (error) {
        throw new MessageDecodingFailedError(`The ${name} header is not JSON.`, { cause: error });
      }
      for (const item of items) stamps.push(stampType.fromJSON(item));
    }
    return Envelope.wrap(message, stamps);
  }
}
