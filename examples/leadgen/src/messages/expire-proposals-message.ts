import { AsMessage } from "@messenger-ts/core";

/** Marks proposals past their expiry date as expired (daily on the schedule). Queue: low_priority. */
@AsMessage("leadgen.expire_proposals")
export class ExpireProposalsMessage {}
