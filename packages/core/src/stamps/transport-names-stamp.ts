import { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import { stampFields } from "./stamp-json.js";

/** Overrides routing: the message goes to exactly these transports. */
export class TransportNamesStamp extends Stamp {
  static readonly stampName = "TransportNamesStamp";
  readonly transportNames: readonly string[];

  constructor(transportNames: string | readonly string[]) {
    super();
    const names = typeof transportNames === "string" ? [transportNames] : [...transportNames];
    if (names.length === 0 || names.some((n) => typeof n !== "string" || n === "")) {
      throw new InvalidArgumentError(
        `TransportNamesStamp needs one or more non-empty transport names, got ${JSON.stringify(transportNames)}.`,
      );
    }
    this.transportNames = names;
  }

  static fromJSON(data: unknown): TransportNamesStamp {
    const names = stampFields(data, TransportNamesStamp.stampName).transportNames;
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== "string" || n === "")) {
      throw new MessageDecodingFailedError(
        `Could not decode stamp "${TransportNamesStamp.stampName}": "transportNames" must be a non-empty array of strings.`,
      );
    }
    return new TransportNamesStamp(names as string[]);
  }
}
