import { AsMessageHandler } from "@messenger-ts/core";
import { SyncAresDataMessage } from "../messages/sync-ares-data-message.js";
import { AresSyncService } from "../services/ares-sync-service.js";

/** Syncs companies from the ARES register. */
@AsMessageHandler({ handles: SyncAresDataMessage })
export class SyncAresDataHandler {
  constructor(private readonly ares: AresSyncService) {}

  handle(message: SyncAresDataMessage) {
    return this.ares.sync(message.icos);
  }
}
