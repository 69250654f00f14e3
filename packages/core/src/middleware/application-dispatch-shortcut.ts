import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";

/**
 * The key of a middleware's optional {@link ApplicationDispatchShortcut}. A symbol, so it cannot
 * clash with a property an application's middleware already has.
 */
export const applicationDispatchShortcut: unique symbol = Symbol("messenger-ts.applicationDispatchShortcut");

/**
 * A whole dispatch of one message class, as one call: what the middleware it stands for (and those
 * after it) would return or throw for `message`, without its stamps given at dispatch.
 */
export interface DirectCall {
  call<T extends object>(message: T): Promise<Envelope<T>>;
}

/**
 * What a middleware promises about an *application dispatch*, so that the bus may skip it or let
 * it answer at once; without such promises the bus calls `handle()` on every dispatch. An
 * application dispatch is one whose envelope was not received from a transport: it has no
 * `ReceivedStamp` and no `ConsumedByWorkerStamp`, and its message is not an `UndecodableMessage`
 * placeholder. Received envelopes always go through every middleware.
 *
 * The bus reads the shortcut once, when it is built, and never mutates it. The promises are about
 * `handle()` as the declaring class wrote it: a class whose subclasses may override `handle()`
 * should withdraw its shortcut for them (see `shortcutUnlessOverridden`). Every outcome must stay
 * the same, results, stamps and errors alike; only the number of calls may change.
 */
export interface ApplicationDispatchShortcut {
  /**
   * Asked before every dispatch, so keep it cheap: while it returns false, the bus takes no
   * shortcut at all and runs every middleware. Omitted: always true.
   */
  readonly enabled?: () => boolean;

  /**
   * Set when, for an application dispatch, `handle()` only hands the envelope on
   * (`stack.next().handle(envelope, stack)`) and returns what that returns, with
   * {@link addsStamp} added first when given. The bus skips it when every middleware before it in
   * the stack is skippable too.
   */
  readonly skippable?: boolean;

  /**
   * With {@link skippable}: the one stamp `handle()` adds when the envelope has no stamp of that
   * stamp's exact class. The same instance for every envelope (stamps are immutable).
   */
  readonly addsStamp?: Stamp;

  /**
   * Offers the dispatch of this message class as one call. `envelope` is an application dispatch
   * of a message without stamps given, as it leaves the skipped leading middleware; `rest` is the
   * direct call that stands for the middleware after this one for that same envelope (so it fits
   * only when this one hands the envelope on unchanged), or `null` when this one is the last of
   * the stack. Return a call that does what `handle()` and the rest of the stack would do for any
   * message of the same class dispatched so, or `undefined` when the stack must run. The answer
   * must depend on nothing but the message's class and these stamps: the bus keeps it per message
   * class, an `undefined` too. A throw counts as `undefined` for this dispatch only: the bus asks
   * again on the next one, and the stack reports the error. The bus asks only when every
   * middleware after the skipped ones offers a direct call.
   */
  directCall?(envelope: Envelope, rest: DirectCall | null): DirectCall | undefined;
}
