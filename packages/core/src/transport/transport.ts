import type { Receiver } from "./receiver.js";
import type { Sender } from "./sender.js";

/** A sender and receiver over one backend queue. Optional abilities are the capability interfaces. */
export interface Transport extends Sender, Receiver {}
