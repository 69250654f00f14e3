import { AsyncLocalStorage } from "node:async_hooks";
import type { Envelope } from "../envelope/envelope.js";
import { DelayedMessageHandlingError } from "../envelope-errors/delayed-message-handling-error.js";
import { DispatchAfterCurrentBusStamp } from "../stamps/dispatch-after-current-bus-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

interface QueuedEnvelope {
  readonly envelope: Envelope;
  readonly stack: Stack;
}

interface RootDispatch {
  queue: QueuedEnvelope[];
}

/**
 * Root dispatches are tracked only once the application imports
 * `@messenger-ts/core/dispatch-after-current-bus` (where the stamp lives). On Node 20 an
 * AsyncLocalStorage switches on promise hooks for the whole process, which slows every `await`
 * (measured in decision 0003); an application that never defers a message should not pay for it.
 * Static imports are evaluated before the application's first dispatch, so every root is tracked.
 */
let trackingRoots = false;

/** Called by the stamp's entry point: from now on every root dispatch is tracked. */
export function armRootDispatchTracking(): void {
  trackingRoots = true;
}

/**
 * Until the stamp's entry point is imported the middleware hands every envelope straight on. Once
 * it tracks roots, no shortcut of the bus is taken: a deferred message must pause the stack here.
 */
const SHORTCUT: ApplicationDispatchShortcut = { skippable: true, enabled: () => !trackingRoots };

/**
 * Defers messages stamped "dispatch after current bus" until the outermost (root) dispatch has
 * finished, then runs them in order from where they paused. If the root fails, they are dropped;
 * their own failures are collected and thrown together after all of them ran.
 *
 * Symfony keeps "a root dispatch is running" on the shared middleware instance. Node runs many
 * dispatches concurrently, so the root is tracked per async context instead: two concurrent root
 * dispatches (two messages handled at once by one worker) never see each other's queue.
 */
export class DispatchAfterCurrentBusMiddleware implements Middleware {
  readonly #root = new AsyncLocalStorage<RootDispatch>();

  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, DispatchAfterCurrentBusMiddleware, SHORTCUT);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (!trackingRoots) return stack.next().handle(envelope, stack);
    const root = this.#root.getStore();
    if (envelope.has(DispatchAfterCurrentBusStamp)) {
      if (root) {
        root.queue.push({ envelope, stack });
        return Promise.resolve(envelope);
      }
      envelope = envelope.withoutAll(DispatchAfterCurrentBusStamp);
    }
    if (root) return stack.next().handle(envelope, stack);
    return this.#root.run({ queue: [] }, () => this.#dispatchRoot(envelope, stack));
  }

  async #dispatchRoot(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const root = this.#root.getStore()!;
    let returned: Envelope;
    try {
      returned = await stack.next().handle(envelope, stack);
    } catch (error) {
      root.queue = [];
      throw error;
    }
    const errors: Error[] = [];
    for (let item = root.queue.shift(); item; item = root.queue.shift()) {
      const lengthBefore = root.queue.length;
      try {
        await item.stack.next().handle(item.envelope, item.stack);
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)));
        // What the failed message queued is dropped with it, as its own root would have failed.
        root.queue.length = lengthBefore;
      }
    }
    if (errors.length > 0) throw new DelayedMessageHandlingError(errors, returned);
    return returned;
  }
}
