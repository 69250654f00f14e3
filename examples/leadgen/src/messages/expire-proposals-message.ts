import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Marks proposals past their expiry date as expired (daily on the schedule). Queue: low_priority. */
@AsMessage("leadgen.expire_proposals")
@AsSymfonyMessage("App\\Message\\ExpireProposalsMessage")
export class ExpireProposalsMessage {}
