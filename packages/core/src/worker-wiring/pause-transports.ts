import type { Messenger } from "../config/messenger.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { isTransportPauseStore, type TransportPauseStore } from "../worker/transport-pause-store.js";

/** Each named transport's pause store: the transport itself, when its backend keeps the state. */
function pauseStoresOf(messenger: Messenger, names: readonly string[]): Map<string, TransportPauseStore> {
  if (names.length === 0) {
    throw new InvalidArgumentError(
      `Name at least one transport; transports: ${messenger.transportNames.join(", ") || "none"}.`,
      { code: "UNKNOWN_TRANSPORT" },
    );
  }
  const stores = new Map<string, TransportPauseStore>();
  for (const name of names) {
    const transport = messenger.getTransport(name);
    if (!isTransportPauseStore(transport)) {
      throw new InvalidArgumentError(
        `Transport "${name}" cannot be paused: its backend keeps no pause state. Transports that can: PostgreSQL, SQLite, Redis and in-memory.`,
        { code: "TRANSPORT_NOT_PAUSABLE" },
      );
    }
    stores.set(name, transport);
  }
  return stores;
}

/**
 * `messenger:pause`: every worker consuming these transports stops fetching from them within its
 * poll interval (`sleep`) and goes on with its other transports; messages in handlers finish.
 * Every name is checked before anything is paused.
 */
export async function pauseTransports(messenger: Messenger, names: readonly string[]): Promise<void> {
  for (const [name, store] of pauseStoresOf(messenger, names)) await store.pauseTransport(name);
}

/** `messenger:resume`: the workers fetch from these transports again within their poll interval. */
export async function resumeTransports(messenger: Messenger, names: readonly string[]): Promise<void> {
  for (const [name, store] of pauseStoresOf(messenger, names)) await store.resumeTransport(name);
}

/** Whether the transport is paused; undefined when its backend keeps no pause state. */
export async function isTransportPaused(messenger: Messenger, name: string): Promise<boolean | undefined> {
  const transport = messenger.getTransport(name);
  if (!isTransportPauseStore(transport)) return undefined;
  return (await transport.getPausedTransports()).includes(name);
}
