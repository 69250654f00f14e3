import type { MessageClass } from "../message/message-class.js";

/** One or more transport names. */
export type TransportTargets = string | readonly string[];

/**
 * Where messages go, as in `framework.messenger.routing`. Keys are message type names (from
 * `@AsMessage`), class names, type-name wildcards (`app.lead.*`) or `"*"` for everything else.
 * The entries form accepts the classes themselves, which survives renames and minification.
 */
export type RoutingConfig =
  | Readonly<Record<string, TransportTargets>>
  | Iterable<readonly [MessageClass | string, TransportTargets]>;
