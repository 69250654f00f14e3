import { container as rootContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import {
  AsMessageHandler,
  createMessenger,
  isServiceContainer,
  MessageBus,
  Messenger,
  RESETTABLE,
  type Resettable,
  type ServiceClass,
  type ServiceContainer,
  TsyringeServiceContainer,
} from "../../src/index.js";

class Ping {
  constructor(readonly n: number) {}
}

class PingHandler {
  static built = 0;
  readonly seen: number[] = [];
  constructor() {
    PingHandler.built++;
  }

  @AsMessageHandler()
  handle(message: Ping): number {
    this.seen.push(message.n);
    return message.n;
  }
}

/** A container of its own, as a framework plugs in: it counts what the messenger asks of it. */
class CountingContainer implements ServiceContainer {
  readonly asked: string[] = [];
  readonly instances = new Map<Function, object>();
  readonly resettable: Resettable[] = [];

  resolve<T>(target: ServiceClass<T>, role: string): T {
    this.asked.push(`${role} ${target.name}`);
    let instance = this.instances.get(target);
    if (!instance) {
      instance = new (target as unknown as new () => object)();
      this.instances.set(target, instance);
    }
    return instance as T;
  }

  resettableServices(): Resettable[] {
    return this.resettable;
  }
}

describe("the container seam", () => {
  it("resolves a handler class from the given container once per messenger, not per message", async () => {
    const container = new CountingContainer();
    const messenger = createMessenger({ handlers: [PingHandler], container });
    expect(container.asked).toEqual([]); // building the messenger builds no service
    for (let n = 1; n <= 5; n++) await messenger.bus.dispatch(new Ping(n));
    expect(container.asked).toEqual(["handler class PingHandler"]);
    expect((container.instances.get(PingHandler) as PingHandler).seen).toEqual([1, 2, 3, 4, 5]);
    expect(messenger.container).toBe(container);
  });

  it("asks a container without registerMessenger for nothing else", () => {
    const container = new CountingContainer();
    createMessenger({ handlers: [PingHandler], container });
    expect(container.asked).toEqual([]);
  });

  it("adapts a tsyringe container as before: the buses and the messenger registered, handlers built by tsyringe", async () => {
    const child = rootContainer.createChildContainer();
    const before = PingHandler.built;
    const messenger = createMessenger({ handlers: [PingHandler], container: child });
    expect(messenger.container).toBeInstanceOf(TsyringeServiceContainer);
    expect((messenger.container as TsyringeServiceContainer).container).toBe(child);
    expect(child.resolve(Messenger)).toBe(messenger);
    expect(child.resolve(MessageBus as never)).toBe(messenger.bus);
    await messenger.bus.dispatch(new Ping(1));
    await messenger.bus.dispatch(new Ping(2));
    expect(PingHandler.built - before).toBe(1);
  });

  it("finds the resettable services registered in a tsyringe container and its parents", () => {
    const parent = rootContainer.createChildContainer();
    const cache: Resettable = { reset() {} };
    parent.register(RESETTABLE, { useValue: cache });
    const adapter = new TsyringeServiceContainer(parent.createChildContainer());
    expect(adapter.resettableServices()).toEqual([cache]);
    expect(new TsyringeServiceContainer(rootContainer.createChildContainer()).resettableServices()).toEqual(
      [],
    );
  });

  it("tells a ServiceContainer from a tsyringe container", () => {
    expect(isServiceContainer(new CountingContainer())).toBe(true);
    expect(isServiceContainer(new TsyringeServiceContainer(rootContainer))).toBe(true);
    expect(isServiceContainer(rootContainer)).toBe(false);
    expect(isServiceContainer(undefined)).toBe(false);
  });
});
