import type { ServiceContainer } from "./service-container.js";

/**
 * A service holding state that must not leak from one message to the next (an identity map, a
 * buffer, a per-message cache): Symfony's `ResetInterface`.
 */
export interface Resettable {
  reset(): void | Promise<void>;
}

/**
 * The container token resettable services are registered under (Symfony's `kernel.reset` tag):
 * `container.register(RESETTABLE, { useValue: cache })`. A worker built by `createWorker` resets
 * each of them after every message it handled and when it stops, unless told `reset: false`
 * (`messenger:consume --no-reset`).
 */
export const RESETTABLE: symbol = Symbol.for("messenger-ts.resettable");

/** Every service the messenger's container has registered under {@link RESETTABLE}. */
export function resettableServices(container: ServiceContainer): Resettable[] {
  return container.resettableServices();
}
