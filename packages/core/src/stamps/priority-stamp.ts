import { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { numberField, stampFields } from "./stamp-json.js";

/**
 * The message's priority within its transport queue: a whole number from 0 to 255, higher first
 * (as AMQP's message priority). Transports that support it claim due messages by priority, then by
 * due time; a message without the stamp has priority 0.
 */
export class PriorityStamp extends Stamp {
  static readonly stampName = "PriorityStamp";
  static readonly MIN = 0;
  static readonly MAX = 255;

  constructor(readonly priority: number) {
    super();
    if (!Number.isSafeInteger(priority) || priority < PriorityStamp.MIN || priority > PriorityStamp.MAX) {
      throw new InvalidArgumentError(
        `Priority must be a whole number from ${PriorityStamp.MIN} to ${PriorityStamp.MAX}, got ${String(priority)}.`,
      );
    }
  }

  static fromJSON(data: unknown): PriorityStamp {
    return new PriorityStamp(
      numberField(stampFields(data, PriorityStamp.stampName), "priority", PriorityStamp.stampName),
    );
  }
}
