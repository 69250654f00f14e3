import {
  busToken,
  type Envelope,
  MessageBus,
  Messenger,
  type Query,
  UnknownBusError,
} from "@messenger-ts/core";
import type { Provider } from "@nestjs/common";
import type { DiscoveryService } from "@nestjs/core";
import type { InstanceWrapper } from "@nestjs/core/injector/instance-wrapper.js";

/**
 * The providers of the named buses: one per name configured or given to `@InjectBus`. A name
 * that `@InjectBus` recorded but no bus has (another application's, in the same process) gets a
 * stand-in that fails on use; {@link assertInjectedBusesExist} fails the start-up when a class of
 * this application injects it.
 */
export function busProviders(names: Iterable<string>): Provider[] {
  return [...new Set(names)].map((name) => ({
    provide: busToken(name),
    useFactory: (messenger: Messenger): MessageBus =>
      messenger.busNames.includes(name) ? messenger.getBus(name) : new UnconfiguredBus(messenger, name),
    inject: [Messenger],
  }));
}

/** Fails the start-up when a provider or controller injects a bus that is not configured. */
export function assertInjectedBusesExist(
  discovery: DiscoveryService,
  messenger: Messenger,
  names: Iterable<string>,
): void {
  const missing = new Map<symbol, string>();
  for (const name of names) if (!messenger.busNames.includes(name)) missing.set(busToken(name), name);
  if (missing.size === 0) return;
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    for (const dependency of dependenciesOf(wrapper)) {
      const name = missing.get(dependency?.token as symbol);
      if (name !== undefined) throw unknownBus(messenger, name, `${String(wrapper.name)} injects`);
    }
  }
}

function dependenciesOf(wrapper: InstanceWrapper): (InstanceWrapper | undefined)[] {
  return [
    ...(wrapper.getCtorMetadata() ?? []),
    ...(wrapper.getPropertiesMetadata() ?? []).map((p) => p.wrapper),
  ];
}

function unknownBus(messenger: Messenger, name: string, who: string): UnknownBusError {
  return new UnknownBusError(
    `${who} the bus "${name}" (@InjectBus), which is not configured; buses: ${messenger.busNames.join(", ")}. Add it to the "buses" of MessengerModule, or fix the name.`,
  );
}

/** What an `@InjectBus` of a name no bus has resolves to, in an application that does not use it. */
class UnconfiguredBus extends MessageBus {
  constructor(
    private readonly messenger: Messenger,
    private readonly name: string,
  ) {
    super();
  }

  dispatch<T extends object>(_message: T | Envelope<T>): Promise<Envelope<T>> {
    return Promise.reject(unknownBus(this.messenger, this.name, "The application uses"));
  }

  query<R>(_message: Query<R> | Envelope<Query<R>>): Promise<R> {
    return Promise.reject(unknownBus(this.messenger, this.name, "The application uses"));
  }
}
