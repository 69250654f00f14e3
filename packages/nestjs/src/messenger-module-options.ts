import type { MessengerConfig } from "@messenger-ts/core";
import type { ScheduleRegistry } from "@messenger-ts/scheduler";
import type {
  DynamicModule,
  ForwardReference,
  InjectionToken,
  OptionalFactoryDependency,
  Type,
} from "@nestjs/common";

/**
 * The messenger's configuration in a Nest application: `createMessenger`'s, less `container`
 * (Nest's container is used), plus what the console needs.
 *
 * `handlers` is optional: every provider with an `@AsMessageHandler` is found by Nest's discovery.
 * Give `handlers` only for function handlers (`defineHandler`) or handler classes that are not
 * providers (such as the scheduler's `schedulerHandlers`), which Nest then builds at start-up.
 */
export interface MessengerModuleOptions extends Omit<MessengerConfig, "container"> {
  /** The application's schedules, for `debug:scheduler` and the `scheduler_<name>` receivers of the console. */
  readonly schedules?: ScheduleRegistry;
}

/** `MessengerModule.forRootAsync`: the options from a factory, with Nest's providers injected into it. */
export interface MessengerModuleAsyncOptions {
  /** Modules whose providers the factory injects (e.g. `ConfigModule`). */
  readonly imports?: readonly (Type | DynamicModule | Promise<DynamicModule> | ForwardReference)[];
  readonly useFactory: (...args: any[]) => MessengerModuleOptions | Promise<MessengerModuleOptions>;
  readonly inject?: readonly (InjectionToken | OptionalFactoryDependency)[];
  /**
   * The names of the buses injected with `@InjectBus(name)`, when the factory configures several.
   * Names given to `@InjectBus` are picked up by themselves; list here those injected otherwise
   * (`@Inject(busToken(name))`).
   */
  readonly buses?: readonly string[];
}

/** The token of the module's options (what `forRoot` was given, or what the factory returned). */
export const MESSENGER_MODULE_OPTIONS: unique symbol = Symbol.for("messenger-ts.nestjs.options");
