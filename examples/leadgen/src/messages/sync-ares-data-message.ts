import { AsMessage } from "@messenger-ts/core";

/** Copies companies' data from the ARES business register. Queue: normal. */
@AsMessage("leadgen.sync_ares_data")
export class SyncAresDataMessage {
  constructor(
    /** Company ids (IČO), 8 digits each. */
    readonly icos: readonly string[],
  ) {}
}
