import { busToken } from "@messenger-ts/core";
import { Inject } from "@nestjs/common";

const injectedBusNames = new Set<string>();

/**
 * Injects a named bus through Nest: `constructor(@InjectBus("query.bus") private queries: MessageBus)`.
 * The default bus needs no decorator: inject `MessageBus` by type. The name is recorded, so that
 * `MessengerModule` provides that bus; a name that is not configured fails at start-up.
 */
export function InjectBus(busName: string): PropertyDecorator & ParameterDecorator {
  injectedBusNames.add(busName);
  return Inject(busToken(busName));
}

/** Every bus name given to {@link InjectBus} so far. */
export function injectedBuses(): readonly string[] {
  return [...injectedBusNames];
}
