import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { optionalTsyringe } from "./load-tsyringe.js";

/** The container token of a named bus. */
export function busToken(busName: string): symbol {
  return Symbol.for(`messenger-ts.bus:${busName}`);
}

/**
 * Injects a named bus with tsyringe: `constructor(@InjectBus("event.bus") private events: MessageBus)`.
 * The default bus needs no decorator: inject `MessageBus` by type. (Nest applications use the
 * `InjectBus` of `@messenger-ts/nestjs`, which injects the same token through Nest.)
 */
export function InjectBus(busName: string): ParameterDecorator {
  const tsyringe = optionalTsyringe();
  if (tsyringe === undefined) {
    throw new InvalidArgumentError(
      `@InjectBus("${busName}") of @messenger-ts/core injects through tsyringe, which is not installed: install tsyringe, or in a Nest application use InjectBus from @messenger-ts/nestjs.`,
      { code: "INVALID_CONFIGURATION" },
    );
  }
  return tsyringe.inject(busToken(busName)) as ParameterDecorator;
}
