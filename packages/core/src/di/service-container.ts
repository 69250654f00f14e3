import type { MessageBus } from "../bus/message-bus.js";
import type { Resettable } from "./resettable-services.js";

/** A class a container builds: a handler class, a middleware class, a scheduled task's class. */
export type ServiceClass<T = object> = abstract new (...args: any[]) => T;

/**
 * What the messenger asks of a dependency injection container, and no more: build a class with
 * its constructor dependencies, list the services to reset between messages, and (optionally)
 * offer the buses to the classes it builds. tsyringe's adapter is the default
 * (`TsyringeServiceContainer`); `@messenger-ts/nestjs` plugs in Nest's container.
 *
 * A class handler is resolved once per messenger, on its first message, and kept: the container
 * is never asked again on the hot path.
 */
export interface ServiceContainer {
  /**
   * The instance of `target` (its scope is the container's business). `role` ("handler class",
   * "middleware class", "task class") is for the error when the container cannot build it: throw
   * an `UnresolvableServiceError` that says why in the application's terms.
   */
  resolve<T>(target: ServiceClass<T>, role: string): T;
  /** The services registered as resettable (`RESETTABLE`), reset by a worker after each message. */
  resettableServices(): Resettable[];
  /**
   * Called once by `createMessenger` when the messenger is built: make the default bus injectable
   * by type (`MessageBus`), each bus by `busToken(name)`, and the `Messenger` itself (given here
   * as an object: `di` sits below `config`, where the class lives). A container whose own module
   * system provides them (Nest's) leaves it out.
   */
  registerMessenger?(messenger: { readonly bus: MessageBus }, buses: ReadonlyMap<string, MessageBus>): void;
}

/** Tells a {@link ServiceContainer} from a tsyringe `DependencyContainer` given as `container`. */
export function isServiceContainer(value: unknown): value is ServiceContainer {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ServiceContainer).resolve === "function" &&
    typeof (value as ServiceContainer).resettableServices === "function"
  );
}
