import { AsMessage } from "@messenger-ts/core";

/** Deletes screenshots, certificate checks and expired proposals older than the retention (weekly). Queue: low_priority. */
@AsMessage("leadgen.clean_up_old_data")
export class CleanUpOldDataMessage {
  constructor(readonly retentionDays: number = 180) {}
}
