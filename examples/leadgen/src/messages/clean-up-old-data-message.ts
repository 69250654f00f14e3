import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Deletes screenshots, certificate checks and expired proposals older than the retention (weekly). Queue: low_priority. */
@AsMessage("leadgen.clean_up_old_data")
@AsSymfonyMessage("App\\Message\\CleanUpOldDataMessage")
export class CleanUpOldDataMessage {
  constructor(readonly retentionDays: number = 180) {}
}
