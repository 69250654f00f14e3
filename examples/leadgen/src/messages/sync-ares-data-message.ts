import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Copies companies' data from the ARES business register. Queue: normal. */
@AsMessage("leadgen.sync_ares_data")
@AsSymfonyMessage("App\\Message\\SyncAresDataMessage")
export class SyncAresDataMessage {
  constructor(
    /** Company ids (IČO), 8 digits each. */
    readonly icos: readonly string[],
  ) {}
}
