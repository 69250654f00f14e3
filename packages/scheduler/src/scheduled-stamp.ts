import { MessageDecodingFailedError, Stamp } from "@messenger-ts/core";
import type { MessageContext } from "./message-context.js";

function decodeError(field: string, expected: string): never {
  throw new MessageDecodingFailedError(
    `Could not decode stamp "${ScheduledStamp.stampName}": "${field}" must be ${expected}.`,
  );
}

function dateField(fields: Record<string, unknown>, name: string): Date {
  const value = fields[name];
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) decodeError(name, "an ISO 8601 date");
  return date;
}

function stringField(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  return typeof value === "string" ? value : decodeError(name, "a string");
}

/**
 * Marks a message emitted by a schedule, with the run it belongs to. Sendable: it travels with a
 * message redispatched to a real transport, so the handler there can still read when the run was
 * due. Register it in the serializer's stamp registry (`stamps.register(ScheduledStamp)`).
 */
export class ScheduledStamp extends Stamp {
  static readonly stampName = "ScheduledStamp";

  constructor(
    /** The schedule's name. */
    readonly scheduleName: string,
    /** The recurring message's id. */
    readonly messageId: string,
    /** The trigger's description ("every 10 minutes", "0 3 * * *"). */
    readonly trigger: string,
    /** When the run was due. */
    readonly triggeredAt: Date,
    /** The recurring message's next run; null when it has none left. */
    readonly nextTriggerAt: Date | null,
  ) {
    super();
  }

  static fromContext(context: MessageContext): ScheduledStamp {
    return new ScheduledStamp(
      context.name,
      context.id,
      context.trigger.description,
      context.triggeredAt,
      context.nextTriggerAt,
    );
  }

  static fromJSON(data: unknown): ScheduledStamp {
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new MessageDecodingFailedError(
        `Could not decode stamp "${ScheduledStamp.stampName}": expected an object.`,
      );
    }
    const fields = data as Record<string, unknown>;
    const next = fields.nextTriggerAt;
    return new ScheduledStamp(
      stringField(fields, "scheduleName"),
      stringField(fields, "messageId"),
      stringField(fields, "trigger"),
      dateField(fields, "triggeredAt"),
      next === null || next === undefined ? null : dateField(fields, "nextTriggerAt"),
    );
  }
}
