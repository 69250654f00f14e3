import { NonSendableStamp } from "@messenger-ts/core";

/**
 * @internal Identifies one delivery of a scheduled message by its schedule transport, so an ack
 * or reject finds the run it settles. Never leaves the process; a retry copy does not carry it.
 */
export class ScheduleClaimStamp extends NonSendableStamp {}
