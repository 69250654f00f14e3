import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { container, injectable } from "tsyringe";
import { afterAll, describe, expect, it } from "vitest";
import {
  AsMessageHandler,
  BusNameStamp,
  createMessenger,
  createWorker,
  Envelope,
  ErrorCodes,
  HandlerFailedError,
  type Logger,
  MessengerError,
  type Middleware,
  RedeliveryStamp,
  retryableOf,
  type TransportFactory,
  UnresolvableServiceError,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

/**
 * A second, real copy of tsyringe, as an application gets when it links the packages with file:
 * paths: the installed package folder copied into a temporary node_modules (a symlink would
 * resolve to the same file, hence the same module). Its @injectable records classes in its own
 * map, which our container never reads.
 */
const require = createRequire(import.meta.url);
/** The folder of the package that holds `file`: tslib exports no package.json to resolve. */
function packageFolder(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}
const installed = dirname(require.resolve("tsyringe/package.json"));
const temp = mkdtempSync(join(tmpdir(), "messenger-ts-tsyringe-"));
mkdirSync(join(temp, "node_modules"));
cpSync(installed, join(temp, "node_modules", "tsyringe"), { recursive: true });
symlinkSync(
  packageFolder(createRequire(join(installed, "package.json")).resolve("tslib")),
  join(temp, "node_modules", "tslib"),
);
const otherTsyringe = createRequire(join(temp, "app.js"))("tsyringe") as typeof import("tsyringe");
afterAll(() => rmSync(temp, { recursive: true, force: true }));

class SendEmail {
  constructor(readonly to: string) {}
}

class Mailer {
  readonly sent: string[] = [];
}

function unresolvableIn(error: unknown): UnresolvableServiceError {
  expect(error).toBeInstanceOf(HandlerFailedError);
  const nested = (error as HandlerFailedError).wrappedErrors[0];
  expect(nested).toBeInstanceOf(UnresolvableServiceError);
  return nested as UnresolvableServiceError;
}

function recordingLogger() {
  const errors: { context: Record<string, unknown>; message: string }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (context, message) => errors.push({ context, message }),
  };
  return { logger, errors };
}

describe("a handler class the container cannot build", () => {
  it("decorated by a second copy of tsyringe: names the class, the two copies and the fix; not retryable", async () => {
    expect(otherTsyringe.injectable).not.toBe(injectable);
    @otherTsyringe.injectable()
    class SendEmailHandler {
      constructor(readonly mailer: Mailer) {}
      @AsMessageHandler()
      handle(message: SendEmail): void {
        this.mailer.sent.push(message.to);
      }
    }
    const messenger = createMessenger({
      handlers: [SendEmailHandler],
      container: container.createChildContainer(),
    });

    const error = unresolvableIn(await messenger.bus.dispatch(new SendEmail("a@b.c")).catch((e) => e));
    expect(error).toBeInstanceOf(MessengerError);
    expect(error.code).toBe(ErrorCodes.UNRESOLVABLE_SERVICE);
    expect(error.service).toBe("SendEmailHandler");
    expect(error.message).toContain("Cannot resolve handler class SendEmailHandler from the container");
    expect(error.message).toContain("SendEmailHandler is decorated");
    expect(error.message).toContain("two copies of tsyringe");
    expect(error.message).toContain("npm ls tsyringe");
    expect(error.message).toContain("createMessenger({ container })");
    expect(retryableOf(error)).toBe(false);
    expect((error.cause as Error).message).toContain('TypeInfo not known for "SendEmailHandler"');
  });

  it("stops the worker, which fails with the error, without retrying or rejecting the message", async () => {
    @otherTsyringe.injectable()
    class SendEmailHandler {
      constructor(readonly mailer: Mailer) {}
      @AsMessageHandler()
      handle(message: SendEmail): void {
        this.mailer.sent.push(message.to);
      }
    }
    const queue = new QueueTransport();
    for (const to of ["a@b.c", "d@e.f"]) {
      await queue.send(Envelope.wrap(new SendEmail(to), [new BusNameStamp("messenger.bus.default")]));
    }
    const factory: TransportFactory = {
      schemes: ["test"],
      supports: (dsn) => dsn.startsWith("test://"),
      createTransport: () => queue,
    };
    const failed = new QueueTransport();
    const failedFactory: TransportFactory = {
      schemes: ["failed"],
      supports: (dsn) => dsn.startsWith("failed://"),
      createTransport: () => failed,
    };
    const { logger, errors } = recordingLogger();
    const messenger = createMessenger({
      transportFactories: [factory, failedFactory],
      transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 3, delay: 0 } }, failed: "failed://" },
      failureTransport: "failed",
      handlers: [SendEmailHandler],
      container: container.createChildContainer(),
      logger,
    });

    const thrown = await createWorker(messenger, { receivers: ["q"], sleep: 1 })
      .run()
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(thrown).toBeInstanceOf(UnresolvableServiceError);
    expect((thrown as UnresolvableServiceError).service).toBe("SendEmailHandler");
    expect(queue.rejected).toEqual([]);
    expect(queue.acked).toEqual([]);
    expect(failed.pending).toEqual([]);
    // Both messages are still in the queue, none of them a retry copy: handled once fixed.
    expect(queue.pending.map((e) => (e.message as SendEmail).to)).toEqual(["a@b.c", "d@e.f"]);
    expect(queue.pending.some((e) => e.last(RedeliveryStamp) !== undefined)).toBe(false);
    expect(errors.map((e) => e.message)).toContain(
      "Configuration error: the worker stops; the message is neither retried nor rejected",
    );
  });

  it("with a dependency that has no decorator but constructor arguments: names it and the missing metadata", async () => {
    class Templates {
      constructor(readonly directory: string) {}
    }
    @AsMessageHandler({ handles: SendEmail })
    class WelcomeHandler {
      constructor(readonly templates: Templates) {}
      handle(): void {}
    }
    const messenger = createMessenger({
      handlers: [WelcomeHandler],
      container: container.createChildContainer(),
    });

    const error = unresolvableIn(await messenger.bus.dispatch(new SendEmail("a@b.c")).catch((e) => e));
    expect(error.code).toBe("UNRESOLVABLE_SERVICE");
    expect(error.service).toBe("WelcomeHandler");
    expect(error.message).toContain("Cannot resolve handler class WelcomeHandler");
    expect(error.message).toContain("its dependency Templates");
    expect(error.message).toContain("Templates has no constructor type metadata");
    expect(error.message).toContain("@injectable()");
    expect(error.message).toContain('"emitDecoratorMetadata": true');
    expect(error.message).toContain('import "reflect-metadata"');
    expect(retryableOf(error)).toBe(false);
  });

  it("a middleware class without decorators whose constructor needs arguments fails createMessenger", () => {
    class AuditMiddleware implements Middleware {
      constructor(readonly channel: string) {}
      handle: Middleware["handle"] = (envelope, stack) => stack.next().handle(envelope, stack);
    }
    let thrown: unknown;
    try {
      createMessenger({
        buses: { "messenger.bus.default": { middleware: [AuditMiddleware] } },
        handlers: [],
        container: container.createChildContainer(),
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnresolvableServiceError);
    expect((thrown as UnresolvableServiceError).code).toBe("UNRESOLVABLE_SERVICE");
    expect((thrown as Error).message).toContain("Cannot resolve middleware class AuditMiddleware");
    expect((thrown as Error).message).toContain("AuditMiddleware has no constructor type metadata");
  });

  it("leaves other errors of a constructor alone", async () => {
    @injectable()
    class Failing {
      constructor() {
        throw new Error("no SMTP host");
      }
    }
    @AsMessageHandler({ handles: SendEmail })
    class NotifyHandler {
      constructor(readonly failing: Failing) {}
      handle(): void {}
    }
    const messenger = createMessenger({
      handlers: [NotifyHandler],
      container: container.createChildContainer(),
    });
    const error = (await messenger.bus
      .dispatch(new SendEmail("a@b.c"))
      .catch((e) => e)) as HandlerFailedError;
    expect(error.wrappedErrors[0]).not.toBeInstanceOf(UnresolvableServiceError);
    expect(error.message).toContain("no SMTP host");
  });
});
