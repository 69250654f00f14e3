import { isListableReceiver } from "@messenger-ts/core";
import type { LeadgenApp } from "../app/leadgen-app.js";
import { FAILURE_TRANSPORT, PRIORITY_ORDER } from "../config/messenger.js";

/**
 * Removes every message of the application's queues (a demo on a database or Redis that was there
 * before starts from empty queues, as on a fresh SQLite file); returns how many.
 */
export async function emptyQueues(app: LeadgenApp): Promise<number> {
  let removed = 0;
  for (const name of [...PRIORITY_ORDER, FAILURE_TRANSPORT]) {
    const transport = app.messenger.getTransport(name);
    if (!isListableReceiver(transport)) continue;
    for (;;) {
      const batch = await transport.all(100);
      if (batch.length === 0) break;
      for (const envelope of batch) await transport.reject(envelope);
      removed += batch.length;
    }
  }
  return removed;
}
