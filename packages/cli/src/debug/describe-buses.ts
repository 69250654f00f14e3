import { type Messenger, messageTypes } from "@messenger-ts/core";
import { type HandledType } from "@messenger-ts/core/middleware";
import { UsageError } from "../console/usage-error.js";

/** One handler as `debug:messenger` shows it. */
export interface HandlerDescription {
  /** The handler's name (`Class.method`, the function's name, plus `@alias`). */
  readonly name: string;
  /** The options that limit or order it, with Symfony's names (`from_transport`, `priority`). */
  readonly conditions: Readonly<Record<string, string | number>>;
}

/** One handled message class (or `"*"`) on a bus. */
export interface HandledMessageDescription {
  /** The `@AsMessage` type name; null for a class without one and for `"*"`. */
  readonly type: string | null;
  /** The class name; `"*"` for the handlers of every message. */
  readonly class: string;
  /** In the order the bus calls them. */
  readonly handlers: readonly HandlerDescription[];
}

export interface BusDescription {
  readonly name: string;
  readonly messages: readonly HandledMessageDescription[];
}

/**
 * What `debug:messenger` prints: for each bus (or the one named), the messages it has handlers
 * for and those handlers. An unknown bus name is a usage error listing the buses.
 */
export function describeBuses(messenger: Messenger, only?: string): BusDescription[] {
  const names = messenger.busNames;
  if (only !== undefined && !names.includes(only)) {
    throw new UsageError(`Unknown bus "${only}"; available buses: ${names.join(", ")}.`, {
      code: "UNKNOWN_BUS",
    });
  }
  return (only === undefined ? names : [only]).map((name) => describeBus(messenger, name));
}

function describeBus(messenger: Messenger, name: string): BusDescription {
  const byType = new Map<HandledType, HandlerDescription[]>();
  for (const { handles, descriptor } of messenger.getHandlers(name).entries()) {
    const list = byType.get(handles) ?? [];
    list.push({ name: descriptor.name, conditions: conditionsOf(descriptor.options) });
    byType.set(handles, list);
  }
  const messages = [...byType].map(([handles, handlers]) => ({
    type: handles === "*" ? null : (messageTypes.typeNameOf(handles) ?? null),
    class: handles === "*" ? "*" : handles.name,
    handlers,
  }));
  // The catch-all handlers run after every class's own, so they are listed last.
  messages.sort((a, b) => Number(a.class === "*") - Number(b.class === "*"));
  return { name, messages };
}

function conditionsOf(options: {
  fromTransport?: string;
  priority?: number;
}): Record<string, string | number> {
  const conditions: Record<string, string | number> = {};
  if (options.fromTransport !== undefined) conditions.from_transport = options.fromTransport;
  if (options.priority !== undefined) conditions.priority = options.priority;
  return conditions;
}
