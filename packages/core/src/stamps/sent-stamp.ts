import { NonSendableStamp } from "../envelope/stamp.js";

/** Records each sender the message went through (by its transport name). */
export class SentStamp extends NonSendableStamp {
  constructor(
    readonly senderClass: string,
    readonly senderAlias: string | null = null,
  ) {
    super();
  }
}
