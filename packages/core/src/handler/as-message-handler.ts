import { optionalTsyringe } from "../di/load-tsyringe.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { LogicError } from "../errors/logic-error.js";
import { assertTimeout } from "../message/assert-timeout.js";
import type { HandlerOptions } from "./handler-descriptor.js";
import { type HandledType, recordHandlerRegistration } from "./handler-registration.js";

export interface AsMessageHandlerOptions extends HandlerOptions {
  /** The message class (or `"*"`) handled; inferred from the method's first parameter type when omitted. */
  readonly handles?: HandledType;
  /** On a class: the method to call. @defaultValue "handle" */
  readonly method?: string;
}

/** The method a class-level handler calls when `method` is not given (TypeScript idiom; Symfony uses `__invoke`). */
export const DEFAULT_HANDLER_METHOD = "handle";

const NOT_A_MESSAGE_CLASS = new Set<unknown>([
  undefined,
  Object,
  Function,
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  Array,
  Promise,
  Date,
  Map,
  Set,
]);

function inferHandledType(prototype: object, method: string, owner: string): HandledType {
  const params = Reflect.getMetadata("design:paramtypes", prototype, method) as unknown[] | undefined;
  const first = params?.[0];
  if (params === undefined) {
    throw new InvalidArgumentError(
      `Cannot infer the message class handled by ${owner}.${method}: no type metadata. Put @AsMessageHandler() on the method itself, or give { handles: MessageClass }.`,
      { code: "INVALID_HANDLER" },
    );
  }
  if (params.length === 0) {
    throw new InvalidArgumentError(
      `Handler ${owner}.${method} must take the message as its first parameter.`,
      { code: "INVALID_HANDLER" },
    );
  }
  if (NOT_A_MESSAGE_CLASS.has(first)) {
    const shown = typeof first === "function" ? first.name : String(first);
    throw new InvalidArgumentError(
      `Cannot infer the message class handled by ${owner}.${method}: its first parameter's type is ${shown} (an interface, union or built-in type erases to that). Give { handles: MessageClass } or "*".`,
      { code: "INVALID_HANDLER" },
    );
  }
  return first as HandledType;
}

/**
 * Registers a handler. On a class it calls `options.method` (default `handle`); on methods, the
 * decorated method. May be repeated. The class is resolved from the messenger's container (tsyringe
 * unless given another), so its constructor dependencies are injected by type.
 *
 * Without `handles`, the handled class is the type of the method's first parameter, which
 * TypeScript only records for decorated methods: on a class, give `handles` or decorate the method.
 */
export function AsMessageHandler(options: AsMessageHandlerOptions = {}) {
  return (target: object, propertyKey?: string | symbol, _descriptor?: PropertyDescriptor): void => {
    const { handles, method: methodOption, ...handlerOptions } = options;
    assertTimeout(handlerOptions.timeout, "@AsMessageHandler() timeout", "INVALID_HANDLER");
    if (propertyKey === undefined) {
      const handlerClass = target as new (...args: any[]) => object;
      const method = methodOption ?? DEFAULT_HANDLER_METHOD;
      if (typeof handlerClass.prototype[method] !== "function") {
        throw new InvalidArgumentError(
          `Handler class ${handlerClass.name} has no method "${method}"; add it or set { method: "..." }.`,
          { code: "INVALID_HANDLER" },
        );
      }
      // Lets tsyringe build the class by its constructor types; other containers (Nest's) read the
      // same design-time metadata themselves.
      optionalTsyringe()?.injectable()(handlerClass);
      recordHandlerRegistration({
        kind: "class",
        handlerClass,
        method,
        handles: handles ?? inferHandledType(handlerClass.prototype, method, handlerClass.name),
        options: handlerOptions,
      });
      return;
    }
    const handlerClass = (target as { constructor: new (...args: any[]) => object }).constructor;
    if (typeof propertyKey !== "string") {
      throw new InvalidArgumentError(`Handler methods must have string names (${handlerClass.name}).`, {
        code: "INVALID_HANDLER",
      });
    }
    if (methodOption !== undefined) {
      throw new LogicError(
        `@AsMessageHandler on method ${handlerClass.name}.${propertyKey} must not set "method": the decorated method is the handler.`,
        { code: "INVALID_HANDLER" },
      );
    }
    recordHandlerRegistration({
      kind: "class",
      handlerClass,
      method: propertyKey,
      handles: handles ?? inferHandledType(target, propertyKey, handlerClass.name),
      options: handlerOptions,
    });
  };
}
