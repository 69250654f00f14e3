import {
  getHandlerRegistrations,
  InvalidArgumentError,
  RESETTABLE,
  type Resettable,
  type ServiceClass,
  type ServiceContainer,
  UnresolvableServiceError,
} from "@messenger-ts/core";
import type { DiscoveryService, ModuleRef } from "@nestjs/core";
import { STATIC_CONTEXT } from "@nestjs/core/injector/constants.js";
import type { InstanceWrapper } from "@nestjs/core/injector/instance-wrapper.js";

/**
 * The messenger's {@link ServiceContainer} on Nest's container. A class is what Nest built for
 * the provider of that class: the singleton of a default-scoped provider, and for a transient one
 * an instance of the messenger's own, made at start-up. Request-scoped handlers are refused at
 * start-up: a message is no HTTP request, and building the handler per message would put Nest's
 * asynchronous resolution on the hot path (see the package README).
 */
export class NestServiceContainer implements ServiceContainer {
  readonly #discovery: DiscoveryService;
  readonly #moduleRef: ModuleRef;
  /** Instances made for the messenger at start-up (transient providers, listed classes that are no provider). */
  readonly #built = new Map<Function, object>();
  #resettable: Resettable[] = [];
  #providers: Map<Function, InstanceWrapper> | undefined;

  constructor(discovery: DiscoveryService, moduleRef: ModuleRef) {
    this.#discovery = discovery;
    this.#moduleRef = moduleRef;
  }

  /** The classes of the providers that carry `@AsMessageHandler`, each once. */
  handlerClasses(): Function[] {
    return [...this.#providersByClass().keys()].filter((type) => getHandlerRegistrations(type).length > 0);
  }

  /**
   * Runs once the application's providers are built (the module's `onModuleInit`): refuses
   * request-scoped handlers, builds transient handlers and the `listed` handler classes that no
   * module provides, and finds the resettable services.
   */
  async prepare(listed: readonly Function[]): Promise<void> {
    const providers = this.#providersByClass();
    for (const type of new Set([...this.handlerClasses(), ...listed])) {
      const wrapper = providers.get(type);
      if (wrapper === undefined) {
        this.#built.set(type, await this.#moduleRef.create(type as new (...args: any[]) => object));
        continue;
      }
      if (!wrapper.isDependencyTreeStatic()) {
        throw new InvalidArgumentError(
          `Handler ${type.name} is request-scoped (Scope.REQUEST, itself or through a dependency); a message handler must be a default-scoped or transient provider. A message is not an HTTP request: take what the handler needs from the message, or move the request-scoped dependency out of the handler.`,
          { code: "INVALID_HANDLER" },
        );
      }
      if (wrapper.isTransient) {
        this.#built.set(type, await this.#moduleRef.resolve(wrapper.token, undefined, { strict: false }));
      }
    }
    this.#resettable = this.#findResettable();
  }

  resolve<T>(target: ServiceClass<T>, role: string): T {
    const built = this.#built.get(target);
    if (built !== undefined) return built as T;
    const wrapper = this.#providersByClass().get(target);
    if (wrapper === undefined) {
      throw new UnresolvableServiceError(
        target.name,
        `Cannot resolve ${role} ${target.name} from the Nest application: no module provides it. Add ${target.name} to the providers of a module of the application.`,
      );
    }
    const instance = wrapper.isTransient ? undefined : wrapper.getInstanceByContextId(STATIC_CONTEXT);
    if (instance?.isResolved !== true) {
      throw new UnresolvableServiceError(
        target.name,
        `Cannot resolve ${role} ${target.name} from the Nest application: Nest has not built it yet (${wrapper.isTransient ? "a transient provider is built for the messenger when the module initialises" : "the messenger is built before the application's other providers"}). Give a middleware to MessengerModule as an instance (forRootAsync with inject), not as a class.`,
      );
    }
    return instance.instance as T;
  }

  resettableServices(): Resettable[] {
    return this.#resettable;
  }

  /** Every provider under the `RESETTABLE` token, in any module (a value may be one service or a list). */
  #findResettable(): Resettable[] {
    let found: unknown[];
    try {
      found = this.#moduleRef.get(RESETTABLE, { strict: false, each: true }) as unknown[];
    } catch {
      return []; // Nest throws when no module provides the token.
    }
    return found.flat() as Resettable[];
  }

  /** Class providers of every module, by class (the first module's when several provide one). */
  #providersByClass(): Map<Function, InstanceWrapper> {
    if (this.#providers === undefined) {
      this.#providers = new Map();
      for (const wrapper of this.#discovery.getProviders()) {
        const type = wrapper.metatype;
        if (typeof type !== "function" || wrapper.isNotMetatype || wrapper.inject) continue;
        if (!this.#providers.has(type)) this.#providers.set(type, wrapper);
      }
    }
    return this.#providers;
  }
}
