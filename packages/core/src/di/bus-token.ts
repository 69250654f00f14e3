import { inject } from "tsyringe";

/** The container token of a named bus. */
export function busToken(busName: string): symbol {
  return Symbol.for(`messenger-ts.bus:${busName}`);
}

/**
 * Injects a named bus: `constructor(@InjectBus("event.bus") private events: MessageBus)`.
 * The default bus needs no decorator: inject `MessageBus` by type.
 */
export function InjectBus(busName: string): ParameterDecorator {
  return inject(busToken(busName)) as ParameterDecorator;
}
