import { NonSendableStamp } from "../envelope/stamp.js";

/** Marks an envelope that a worker is handling (as opposed to a synchronous dispatch). */
export class ConsumedByWorkerStamp extends NonSendableStamp {}
