import { busToken, createMessenger, type HandlerSource, MessageBus, Messenger } from "@messenger-ts/core";
import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from "@nestjs/common";
import { DiscoveryModule, DiscoveryService, ModuleRef } from "@nestjs/core";
import { assertInjectedBusesExist, busProviders } from "./bus-providers.js";
import { injectedBuses } from "./inject-bus.js";
import {
  MESSENGER_MODULE_OPTIONS,
  type MessengerModuleAsyncOptions,
  type MessengerModuleOptions,
} from "./messenger-module-options.js";
import { NestServiceContainer } from "./nest-service-container.js";

/**
 * messenger-ts in a Nest application: one messenger for the whole application (a global module),
 * built from `forRoot(options)` or `forRootAsync({ useFactory, inject })`. Its handlers are the
 * providers that carry `@AsMessageHandler`, found through Nest's discovery and taken from Nest's
 * container; `Messenger`, `MessageBus` (the default bus) and each bus by `@InjectBus(name)` are
 * injectable. The transports are closed when the application shuts down.
 */
@Module({})
export class MessengerModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(Messenger) private readonly messenger: Messenger,
    @Inject(NestServiceContainer) private readonly container: NestServiceContainer,
    @Inject(MESSENGER_MODULE_OPTIONS) private readonly options: MessengerModuleOptions,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
  ) {}

  static forRoot(options: MessengerModuleOptions): DynamicModule {
    return messengerModule({ provide: MESSENGER_MODULE_OPTIONS, useValue: options }, [], () => [
      ...Object.keys(options.buses ?? {}),
    ]);
  }

  static forRootAsync(options: MessengerModuleAsyncOptions): DynamicModule {
    return messengerModule(
      {
        provide: MESSENGER_MODULE_OPTIONS,
        useFactory: options.useFactory,
        inject: [...(options.inject ?? [])],
      },
      options.imports ?? [],
      () => [...(options.buses ?? [])],
    );
  }

  async onModuleInit(): Promise<void> {
    const listed = (this.options.handlers ?? []).filter((source) => typeof source === "function");
    await this.container.prepare(listed);
    assertInjectedBusesExist(this.discovery, this.messenger, injectedBuses());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messenger.close();
  }
}

function messengerModule(
  options: Provider,
  imports: NonNullable<MessengerModuleAsyncOptions["imports"]>,
  configuredBuses: () => string[],
): DynamicModule {
  const core: Provider[] = [
    options,
    {
      provide: NestServiceContainer,
      useFactory: (discovery: DiscoveryService, moduleRef: ModuleRef) =>
        new NestServiceContainer(discovery, moduleRef),
      inject: [DiscoveryService, ModuleRef],
    },
    {
      provide: Messenger,
      useFactory: (config: MessengerModuleOptions, container: NestServiceContainer) => {
        // `schedules` is the console's, not createMessenger's.
        const { schedules: _schedules, handlers = [], ...rest } = config;
        const discovered = container.handlerClasses() as HandlerSource[];
        return createMessenger({
          ...rest,
          handlers: [...new Set([...discovered, ...handlers])],
          container,
        });
      },
      inject: [MESSENGER_MODULE_OPTIONS, NestServiceContainer],
    },
    { provide: MessageBus, useFactory: (messenger: Messenger) => messenger.bus, inject: [Messenger] },
  ];
  const buses = (): Provider[] => busProviders([...configuredBuses(), ...injectedBuses()]);
  // Getters: Nest reads them when it scans the modules, after every class (and so every
  // @InjectBus) has been evaluated, whatever the order in which the files were imported.
  return {
    module: MessengerModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    get providers() {
      return [...core, ...buses()];
    },
    get exports() {
      const tokens = [...new Set([...configuredBuses(), ...injectedBuses()])].map(busToken);
      return [MESSENGER_MODULE_OPTIONS, Messenger, MessageBus, ...tokens];
    },
  };
}
