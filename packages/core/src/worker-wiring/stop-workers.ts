import type { Messenger } from "../config/messenger.js";
import { isRestartSignalStore, type RestartSignalStore } from "../worker/restart-signal-store.js";

/**
 * `messenger:stop-workers`: records a restart request in every transport that can hold one (and in
 * the extra stores given), so every worker started before now stops after its current message,
 * wherever it runs. Returns how many stores took the request; 0 means no worker can be reached.
 */
export async function stopWorkers(
  messenger: Messenger,
  extraStores: readonly RestartSignalStore[] = [],
): Promise<number> {
  const stores = new Set<RestartSignalStore>(extraStores);
  for (const name of messenger.transportNames) {
    const transport = messenger.getTransport(name);
    if (isRestartSignalStore(transport)) stores.add(transport);
  }
  const at = messenger.clock.now();
  for (const store of stores) await store.requestRestart(at);
  return stores.size;
}
