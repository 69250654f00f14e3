import { NonSendableStamp } from "../envelope/stamp.js";

/** Defers handling until the outermost dispatch finished successfully. */
export class DispatchAfterCurrentBusStamp extends NonSendableStamp {}
