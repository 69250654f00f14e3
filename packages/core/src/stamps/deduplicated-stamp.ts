import { NonSendableStamp } from "../envelope/stamp.js";
import type { DeduplicationMode } from "./deduplicate-stamp.js";

/**
 * Put by a transport on the envelope `send()` returns when the message's deduplication key was
 * held: the message was dropped (`replaced` false: `preserve`, `throttle`) or merged into the
 * stored message holding the key (`replaced` true: `replace`, `debounce`). `messageId` is the
 * stored message's id, when the transport knows it. `bus.dispatch()` returns it to the caller.
 */
export class DeduplicatedStamp extends NonSendableStamp {
  constructor(
    readonly key: string,
    readonly mode: DeduplicationMode,
    readonly replaced: boolean,
    readonly messageId: string | number | undefined,
  ) {
    super();
  }
}
