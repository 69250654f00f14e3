import type { DependencyContainer } from "tsyringe";

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

/** Every service registered under {@link RESETTABLE} in the container or its parents. */
export function resettableServices(container: DependencyContainer): Resettable[] {
  return container.isRegistered(RESETTABLE, true) ? container.resolveAll<Resettable>(RESETTABLE) : [];
}
