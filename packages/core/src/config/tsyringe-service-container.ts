import type { DependencyContainer, InjectionToken } from "tsyringe";
import { MessageBus } from "../bus/message-bus.js";
import { busToken } from "../di/bus-token.js";
import { optionalTsyringe } from "../di/load-tsyringe.js";
import { RESETTABLE, type Resettable } from "../di/resettable-services.js";
import { resolveService } from "../di/resolve-service.js";
import type { ServiceClass, ServiceContainer } from "../di/service-container.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { Messenger } from "./messenger.js";

/**
 * The default {@link ServiceContainer}: a tsyringe container (the root one unless the application
 * gives its own). Classes are built by `container.resolve`, whose failures are explained by
 * `resolveService`; the buses and the messenger are registered as values in that container.
 */
export class TsyringeServiceContainer implements ServiceContainer {
  constructor(readonly container: DependencyContainer) {}

  /** tsyringe's root container; fails with a clear error when tsyringe is not installed. */
  static root(): TsyringeServiceContainer {
    const tsyringe = optionalTsyringe();
    if (tsyringe === undefined) {
      throw new InvalidArgumentError(
        'No container: tsyringe is not installed, and createMessenger was given no "container". Install tsyringe and reflect-metadata (npm install tsyringe reflect-metadata), or pass a ServiceContainer (as @messenger-ts/nestjs does).',
        { code: "INVALID_CONFIGURATION" },
      );
    }
    return new TsyringeServiceContainer(tsyringe.container);
  }

  resolve<T>(target: ServiceClass<T>, role: string): T {
    return resolveService(this.container, target as new (...args: any[]) => T, role);
  }

  /** Every service registered under `RESETTABLE` in the container or its parents. */
  resettableServices(): Resettable[] {
    const container = this.container;
    return container.isRegistered(RESETTABLE, true) ? container.resolveAll<Resettable>(RESETTABLE) : [];
  }

  registerMessenger(messenger: Messenger, buses: ReadonlyMap<string, MessageBus>): void {
    for (const [name, bus] of buses) this.container.register(busToken(name), { useValue: bus });
    this.container.register(MessageBus as unknown as InjectionToken<MessageBus>, { useValue: messenger.bus });
    this.container.register(Messenger, { useValue: messenger });
  }
}
