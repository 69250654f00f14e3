import {
  AsMessage,
  AsMessageHandler,
  defineHandler,
  MessageBus,
  Messenger,
  MessengerError,
  Query,
  RESETTABLE,
  type Resettable,
} from "@messenger-ts/core";
import { Inject, Injectable, Module, Scope } from "@nestjs/common";
import { ConfigModule, ConfigService } from "@nestjs/config";
import { NestFactory } from "@nestjs/core";
import { describe, expect, it } from "vitest";
import { InjectBus, MessengerModule, NestServiceContainer } from "../src/index.js";

@AsMessage("nest_module_test.greet")
class Greet extends Query<string> {
  constructor(readonly name: string) {
    super();
  }
}

@AsMessage("nest_module_test.count")
class CountGreetings extends Query<number> {}

@Injectable()
class Greeter {
  greetings = 0;
  greet(name: string): string {
    this.greetings++;
    return `Hello, ${name}!`;
  }
}

@Injectable()
class GreetHandler {
  static instances = 0;
  constructor(private readonly greeter: Greeter) {
    GreetHandler.instances++;
  }

  @AsMessageHandler()
  handle(query: Greet): string {
    return this.greeter.greet(query.name);
  }
}

/** Uses the default bus by type and the named one, as a Nest service does. */
@Injectable()
class Reception {
  constructor(
    readonly bus: MessageBus,
    @InjectBus("messenger.bus.default") readonly named: MessageBus,
  ) {}
}

const context = (module: new () => object) => NestFactory.createApplicationContext(module, { logger: false });

describe("MessengerModule", () => {
  it("finds the @AsMessageHandler providers and resolves them from Nest's container, with their dependencies", async () => {
    @Module({ imports: [MessengerModule.forRoot({})], providers: [Greeter, GreetHandler, Reception] })
    class AppModule {}
    const app = await context(AppModule);
    const messenger = app.get(Messenger);
    expect(messenger.container).toBeInstanceOf(NestServiceContainer);
    const reception = app.get(Reception);
    expect(reception.bus).toBe(messenger.bus);
    expect(reception.named).toBe(messenger.bus);
    expect(await reception.bus.query(new Greet("Ada"))).toBe("Hello, Ada!");
    expect(await reception.bus.query(new Greet("Grace"))).toBe("Hello, Grace!");
    // The handler is Nest's singleton: the one Nest built, given the one Greeter.
    expect(app.get(Greeter).greetings).toBe(2);
    expect(messenger.container.resolve(GreetHandler, "handler class")).toBe(app.get(GreetHandler));
    await app.close();
  });

  it("takes its options from a factory with Nest's providers injected (forRootAsync and ConfigService)", async () => {
    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ messenger: { bus: "app.bus" } })] }),
        MessengerModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            buses: { [config.getOrThrow<string>("messenger.bus")]: {} },
            handlers: [
              defineHandler(CountGreetings, function countGreetings() {
                return 42;
              }),
            ],
          }),
        }),
      ],
      providers: [Greeter, GreetHandler],
    })
    class AppModule {}
    const app = await context(AppModule);
    const messenger = app.get(Messenger);
    expect(messenger.busNames).toEqual(["app.bus"]);
    expect(await app.get(MessageBus).query(new CountGreetings())).toBe(42);
    expect(await messenger.getBus("app.bus").query(new Greet("Linus"))).toBe("Hello, Linus!");
    await app.close();
  });

  it("refuses a request-scoped handler at start-up, naming it", async () => {
    @Injectable({ scope: Scope.REQUEST })
    class RequestScopedHandler {
      @AsMessageHandler()
      handle(query: Greet): string {
        return query.name;
      }
    }
    @Module({ imports: [MessengerModule.forRoot({})], providers: [RequestScopedHandler] })
    class AppModule {}
    const error = await context(AppModule).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MessengerError);
    expect((error as MessengerError).code).toBe("INVALID_HANDLER");
    expect((error as Error).message).toContain("Handler RequestScopedHandler is request-scoped");
  });

  it("refuses a handler that is request-scoped through a dependency", async () => {
    @Injectable({ scope: Scope.REQUEST })
    class CurrentUser {}
    @Injectable()
    class UserAwareHandler {
      constructor(readonly user: CurrentUser) {}
      @AsMessageHandler()
      handle(query: Greet): string {
        return query.name;
      }
    }
    @Module({ imports: [MessengerModule.forRoot({})], providers: [CurrentUser, UserAwareHandler] })
    class AppModule {}
    await expect(context(AppModule)).rejects.toThrow(/Handler UserAwareHandler is request-scoped/);
  });

  it("gives the messenger its own instance of a transient handler, built once at start-up", async () => {
    @Injectable({ scope: Scope.TRANSIENT })
    class TransientHandler {
      static instances = 0;
      readonly id = ++TransientHandler.instances;
      @AsMessageHandler()
      handle(query: Greet): string {
        return `${query.name} from instance ${this.id}`;
      }
    }
    @Injectable()
    class OtherUser {
      constructor(readonly handler: TransientHandler) {}
    }
    @Module({ imports: [MessengerModule.forRoot({})], providers: [TransientHandler, OtherUser] })
    class AppModule {}
    const app = await context(AppModule);
    const bus = app.get(MessageBus);
    const first = await bus.query(new Greet("a"));
    expect(await bus.query(new Greet("b"))).toBe(first.replace("a from", "b from"));
    const own = Number(/instance (\d+)/.exec(first)![1]);
    expect(own).not.toBe(app.get(OtherUser).handler.id);
    await app.close();
  });

  it("fails at start-up when @InjectBus names a bus that is not configured", async () => {
    @Injectable()
    class WantsEvents {
      constructor(@InjectBus("event.bus") readonly events: MessageBus) {}
    }
    @Module({ imports: [MessengerModule.forRoot({})], providers: [WantsEvents] })
    class AppModule {}
    const error = await context(AppModule).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as MessengerError).code).toBe("UNKNOWN_BUS");
    expect((error as Error).message).toContain("event.bus");
  });

  it("hands the worker the services provided under RESETTABLE, from any module", async () => {
    const cache: Resettable & { resets: number } = {
      resets: 0,
      reset() {
        this.resets++;
      },
    };
    @Module({ providers: [{ provide: RESETTABLE, useValue: cache }] })
    class CacheModule {}
    @Module({ imports: [MessengerModule.forRoot({}), CacheModule] })
    class AppModule {}
    const app = await context(AppModule);
    expect(app.get(Messenger).container.resettableServices()).toEqual([cache]);
    await app.close();
  });

  it("builds a listed handler class that no module provides, with Nest's injection", async () => {
    @AsMessage("nest_module_test.who")
    class WhoAmI extends Query<string> {}
    class Introspection {
      constructor(@Inject(Messenger) private readonly messenger: Messenger) {}
      @AsMessageHandler()
      handle(_query: WhoAmI): string {
        return this.messenger.busNames.join(",");
      }
    }
    @Module({ imports: [MessengerModule.forRoot({ handlers: [Introspection] })] })
    class AppModule {}
    const app = await context(AppModule);
    expect(await app.get(MessageBus).query(new WhoAmI())).toBe("messenger.bus.default");
    await app.close();
  });
});
