import {
  BusNameStamp,
  DelayStamp,
  ErrorDetailsStamp,
  HandledStamp,
  MessageDecodingFailedError,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { defineStampTranslation, type SymfonyStampTranslation } from "./symfony-stamp-translation.js";

const NS = "Symfony\\Component\\Messenger\\Stamp\\";

/**
 * The stamps Symfony Messenger 5.4 to 7.x and messenger-ts both have, with the JSON Symfony's
 * serializer (ObjectNormalizer over the stamps' getters) writes for each. Stamps only one side has
 * travel otherwise: see `SymfonySerializer`.
 */
export const symfonyStampTranslations: readonly SymfonyStampTranslation[] = [
  defineStampTranslation({
    stamp: BusNameStamp,
    phpClass: `${NS}BusNameStamp`,
    toSymfony: (stamp) => ({ busName: stamp.busName }),
    fromSymfony: (data) => new BusNameStamp(str(fields(data, "BusNameStamp"), "busName", "BusNameStamp")),
  }),
  defineStampTranslation({
    stamp: DelayStamp,
    phpClass: `${NS}DelayStamp`,
    toSymfony: (stamp) => ({ delay: stamp.delay }),
    fromSymfony: (data) => {
      const delay = fields(data, "DelayStamp").delay;
      if (typeof delay !== "number" || !Number.isSafeInteger(delay)) bad("DelayStamp", "delay", "an integer");
      // Symfony sends a negative delay for "no delay" in places; ours is never below 0.
      return new DelayStamp(Math.max(0, delay));
    },
  }),
  defineStampTranslation({
    stamp: RedeliveryStamp,
    phpClass: `${NS}RedeliveryStamp`,
    // The two null fields are what 5.4's deprecated getters add; later versions ignore them.
    toSymfony: (stamp) => ({
      retryCount: stamp.retryCount,
      exceptionMessage: null,
      flattenException: null,
      redeliveredAt: rfc3339(stamp.redeliveredAt),
    }),
    fromSymfony: (data) => {
      const f = fields(data, "RedeliveryStamp");
      const count = f.retryCount;
      if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
        bad("RedeliveryStamp", "retryCount", "an integer >= 0");
      }
      const at = typeof f.redeliveredAt === "string" ? new Date(f.redeliveredAt) : new Date(Number.NaN);
      // Symfony 5.4 cannot read back its own redeliveredAt either (it takes "now"): a missing or
      // unreadable time is not worth failing the message for.
      return new RedeliveryStamp(count, Number.isNaN(at.getTime()) ? new Date() : at);
    },
  }),
  defineStampTranslation({
    stamp: ErrorDetailsStamp,
    phpClass: `${NS}ErrorDetailsStamp`,
    // Symfony's FlattenException has no counterpart: the stack stays on this side.
    toSymfony: (stamp) => ({
      exceptionClass: stamp.errorClass,
      exceptionCode: stamp.errorCode === null ? 0 : stamp.errorCode,
      exceptionMessage: stamp.errorMessage,
      flattenException: null,
    }),
    fromSymfony: (data) => {
      const f = fields(data, "ErrorDetailsStamp");
      const code = f.exceptionCode;
      if (code !== undefined && code !== null && typeof code !== "string" && typeof code !== "number") {
        bad("ErrorDetailsStamp", "exceptionCode", "a string or an integer");
      }
      // PHP's "no code" is 0.
      const errorCode = code === undefined || code === null || code === 0 ? null : String(code);
      const flat = f.flattenException as { trace_as_string?: unknown; traceAsString?: unknown } | null;
      const trace = flat?.trace_as_string ?? flat?.traceAsString;
      return new ErrorDetailsStamp(
        str(f, "exceptionClass", "ErrorDetailsStamp"),
        errorCode,
        str(f, "exceptionMessage", "ErrorDetailsStamp"),
        typeof trace === "string" ? trace : null,
      );
    },
  }),
  defineStampTranslation({
    stamp: SentToFailureTransportStamp,
    phpClass: `${NS}SentToFailureTransportStamp`,
    toSymfony: (stamp) => ({ originalReceiverName: stamp.originalReceiverName }),
    fromSymfony: (data) =>
      new SentToFailureTransportStamp(
        str(
          fields(data, "SentToFailureTransportStamp"),
          "originalReceiverName",
          "SentToFailureTransportStamp",
        ),
      ),
  }),
  defineStampTranslation({
    stamp: TransportMessageIdStamp,
    phpClass: `${NS}TransportMessageIdStamp`,
    toSymfony: (stamp) => ({ id: stamp.id }),
    fromSymfony: (data) => {
      const id = fields(data, "TransportMessageIdStamp").id;
      if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id))) {
        bad("TransportMessageIdStamp", "id", "a string or a number");
      }
      return new TransportMessageIdStamp(id);
    },
  }),
  defineStampTranslation({
    stamp: HandledStamp,
    phpClass: `${NS}HandledStamp`,
    // The result is process-local on both sides; Symfony reads a null one back fine.
    toSymfony: (stamp) => ({ result: null, handlerName: stamp.handlerName }),
    fromSymfony: (data) =>
      new HandledStamp(null, str(fields(data, "HandledStamp"), "handlerName", "HandledStamp")),
  }),
];

/** `2024-05-01T10:21:00+00:00`: the RFC 3339 form Symfony's DateTimeNormalizer writes. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function fields(data: unknown, stamp: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new MessageDecodingFailedError(`Could not decode Symfony stamp "${stamp}": expected an object.`);
  }
  return data as Record<string, unknown>;
}

function str(f: Record<string, unknown>, name: string, stamp: string): string {
  const value = f[name];
  return typeof value === "string" ? value : bad(stamp, name, "a string");
}

function bad(stamp: string, field: string, expected: string): never {
  throw new MessageDecodingFailedError(
    `Could not decode Symfony stamp "${stamp}": "${field}" must be ${expected}.`,
  );
}
