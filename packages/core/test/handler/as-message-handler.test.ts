import { container, injectable } from "tsyringe";
import { describe, expect, it } from "vitest";
import { getHandlerRegistrations } from "../../src/handler/handler-registration.js";
import {
  AsMessageHandler,
  createMessenger,
  defineHandler,
  Envelope,
  InjectBus,
  InvalidArgumentError,
  LogicError,
  MessageBus,
  ReceivedStamp,
} from "../../src/index.js";

class Notification {
  constructor(readonly text: string) {}
}
class UrgentNotification extends Notification {}

@injectable()
class Outbox {
  readonly lines: string[] = [];
}

@AsMessageHandler({ handles: Notification })
class ClassLevelHandler {
  constructor(private readonly outbox: Outbox) {}
  handle(message: Notification) {
    this.outbox.lines.push(`class:${message.text}`);
  }
}

@injectable()
class MethodLevelHandler {
  constructor(private readonly outbox: Outbox) {}

  @AsMessageHandler()
  onUrgent(message: UrgentNotification) {
    this.outbox.lines.push(`urgent:${message.text}`);
  }

  @AsMessageHandler({ priority: 10 })
  first(message: UrgentNotification) {
    this.outbox.lines.push(`first:${message.text}`);
  }

  @AsMessageHandler({ handles: "*" })
  everything(message: object) {
    this.outbox.lines.push(`any:${message.constructor.name}`);
  }
}

@AsMessageHandler({ handles: Notification, method: "process", fromTransport: "audit" })
class AuditHandler {
  constructor(private readonly outbox: Outbox) {}
  process(message: Notification) {
    this.outbox.lines.push(`audit:${message.text}`);
  }
}

function messengerWith(...handlers: Function[]) {
  const child = container.createChildContainer();
  child.registerSingleton(Outbox);
  const messenger = createMessenger({ handlers: handlers as never, container: child });
  return { messenger, outbox: child.resolve(Outbox) };
}

describe("@AsMessageHandler", () => {
  it("resolves handler classes and their dependencies from the container", async () => {
    const { messenger, outbox } = messengerWith(ClassLevelHandler);
    await messenger.bus.dispatch(new Notification("hi"));
    expect(outbox.lines).toEqual(["class:hi"]);
  });

  it("infers the handled class from a decorated method's first parameter", () => {
    const registrations = getHandlerRegistrations(MethodLevelHandler);
    expect(registrations.map((r) => [r.method, r.handles])).toEqual([
      ["onUrgent", UrgentNotification],
      ["first", UrgentNotification],
      ["everything", "*"],
    ]);
  });

  it("orders by exact class, then parents, then *, and by priority within a class", async () => {
    const { messenger, outbox } = messengerWith(ClassLevelHandler, MethodLevelHandler);
    await messenger.bus.dispatch(new UrgentNotification("x"));
    expect(outbox.lines).toEqual(["first:x", "urgent:x", "class:x", "any:UrgentNotification"]);
  });

  it("runs transport-bound handlers on sync dispatch, and only for their transport on receive", async () => {
    const { messenger, outbox } = messengerWith(ClassLevelHandler, AuditHandler);
    await messenger.bus.dispatch(new Notification("sync"));
    await messenger.bus.dispatch(Envelope.wrap(new Notification("from-async"), [new ReceivedStamp("async")]));
    await messenger.bus.dispatch(Envelope.wrap(new Notification("from-audit"), [new ReceivedStamp("audit")]));
    expect(outbox.lines).toEqual([
      "class:sync",
      "audit:sync",
      "class:from-async",
      "class:from-audit",
      "audit:from-audit",
    ]);
  });

  it("names the handler Class.method in handled stamps", async () => {
    const { messenger } = messengerWith(AuditHandler);
    const envelope = await messenger.bus.dispatch(new Notification("n"));
    expect(envelope.all().size).toBeGreaterThan(0);
    expect(
      [...envelope.all().values()]
        .flat()
        .some((s) => (s as { handlerName?: string }).handlerName === "AuditHandler.process"),
    ).toBe(true);
  });

  it("explains when the handled class cannot be inferred", () => {
    expect(() => {
      @AsMessageHandler()
      class NoHandles {
        handle(_m: Notification) {}
      }
      return NoHandles;
    }).toThrowError(/Cannot infer the message class handled by NoHandles.handle: no type metadata/);
    expect(() => {
      class InterfaceParam {
        @AsMessageHandler()
        handle(_m: { text: string }) {}
      }
      return InterfaceParam;
    }).toThrowError(/first parameter's type is Object/);
    expect(() => {
      @AsMessageHandler({ handles: Notification })
      class NoMethod {}
      return NoMethod;
    }).toThrowError(InvalidArgumentError);
    expect(() => {
      class MethodOnMethod {
        @AsMessageHandler({ method: "x" })
        handle(_m: Notification) {}
      }
      return MethodOnMethod;
    }).toThrowError(LogicError);
  });

  it("rejects two handlers claiming one name for one message", () => {
    expect(() =>
      createMessenger({
        handlers: [
          defineHandler(Notification, function same() {}),
          defineHandler(Notification, function same() {}),
        ],
      }),
    ).toThrowError(/Two handlers of Notification claim the name "same"/);
    expect(() =>
      createMessenger({
        handlers: [
          defineHandler(Notification, function same() {}),
          defineHandler(Notification, function same() {}, { alias: "2" }),
        ],
      }),
    ).not.toThrow();
  });

  it("rejects anonymous function handlers and sources that are not handlers", () => {
    expect(() => defineHandler(Notification, (() => () => {})())).toThrowError(/needs \{ name: "..." \}/);
    class Plain {}
    expect(() => createMessenger({ handlers: [Plain] })).toThrowError(
      /neither a class decorated with @AsMessageHandler/,
    );
  });
});

describe("dependency injection of buses", () => {
  it("injects the default bus by type and named buses with @InjectBus", async () => {
    @injectable()
    class Controller {
      constructor(
        readonly bus: MessageBus,
        @InjectBus("event.bus") readonly events: MessageBus,
      ) {}
    }
    const child = container.createChildContainer();
    const messenger = createMessenger({
      container: child,
      handlers: [],
      defaultBus: "command.bus",
      buses: { "command.bus": {}, "event.bus": {} },
    });
    const controller = child.resolve(Controller);
    expect(controller.bus).toBe(messenger.bus);
    expect(controller.events).toBe(messenger.getBus("event.bus"));
  });
});
