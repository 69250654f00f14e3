import type { ApplicationDispatchShortcut } from "./application-dispatch-shortcut.js";
import type { Middleware } from "./middleware.js";

/**
 * `shortcut` as long as `middleware.handle` is still the declaring class's own `handle()`. A
 * subclass that overrides it (to log, to audit) made none of the shortcut's promises, so the bus
 * runs it on every dispatch.
 */
export function shortcutUnlessOverridden(
  middleware: Middleware,
  declaringClass: { readonly prototype: Middleware },
  shortcut: ApplicationDispatchShortcut,
): ApplicationDispatchShortcut | undefined {
  return middleware.handle === declaringClass.prototype.handle ? shortcut : undefined;
}
