import { AsMessageHandler } from "@messenger-ts/core";
import { CleanUpOldDataMessage } from "../messages/clean-up-old-data-message.js";
import { DataCleanupService } from "../services/data-cleanup-service.js";

/** Deletes old screenshots, certificate checks and expired proposals (weekly). */
@AsMessageHandler({ handles: CleanUpOldDataMessage })
export class CleanUpOldDataHandler {
  constructor(private readonly cleanup: DataCleanupService) {}

  handle(message: CleanUpOldDataMessage) {
    return this.cleanup.cleanUp(message.retentionDays);
  }
}
