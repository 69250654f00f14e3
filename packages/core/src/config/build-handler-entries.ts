import type { ServiceContainer } from "../di/service-container.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { HandlerDescriptor } from "../handler/handler-descriptor.js";
import {
  type ClassHandlerRegistration,
  decoratedHandlerClasses,
  getHandlerRegistrations,
  type HandlerRegistration,
} from "../handler/handler-registration.js";
import type { HandlerEntry } from "../handler/handlers-locator.js";
import type { HandlerSource } from "./messenger-config.js";

export interface BusHandlerEntry extends HandlerEntry {
  readonly bus: string | undefined;
}

function isRegistration(source: HandlerSource): source is HandlerRegistration {
  return typeof source === "object" && source !== null && "kind" in source;
}

/**
 * Turns handler sources into descriptors. A class handler is resolved from the container on its
 * first message, once per messenger, so building a messenger never instantiates services.
 */
export function buildHandlerEntries(
  sources: readonly HandlerSource[] | undefined,
  container: ServiceContainer,
  busNames: readonly string[],
): BusHandlerEntry[] {
  const instances = new Map<Function, object>();
  const registrations: HandlerRegistration[] = [];
  const all: readonly HandlerSource[] = sources ?? (decoratedHandlerClasses() as HandlerSource[]);
  for (const source of all) {
    if (isRegistration(source)) {
      registrations.push(source);
      continue;
    }
    const found = typeof source === "function" ? getHandlerRegistrations(source) : [];
    if (found.length === 0) {
      const label = typeof source === "function" ? source.name : JSON.stringify(source);
      throw new InvalidArgumentError(
        `Handler source ${label} is neither a class decorated with @AsMessageHandler nor a defineHandler(...) result.`,
        { code: "INVALID_HANDLER" },
      );
    }
    registrations.push(...found);
  }
  return registrations.map((registration) => {
    const bus = registration.options.bus;
    if (bus !== undefined && !busNames.includes(bus)) {
      const owner =
        registration.kind === "class"
          ? `${registration.handlerClass.name}.${registration.method}`
          : registration.name;
      throw new InvalidArgumentError(
        `Handler ${owner} is bound to bus "${bus}", which is not configured; buses: ${busNames.join(", ")}.`,
        { code: "UNKNOWN_BUS" },
      );
    }
    const descriptor =
      registration.kind === "function"
        ? new HandlerDescriptor(registration.handler, registration.name, registration.options)
        : classDescriptor(registration, container, instances);
    return { handles: registration.handles, descriptor, bus };
  });
}

function classDescriptor(
  registration: ClassHandlerRegistration,
  container: ServiceContainer,
  instances: Map<Function, object>,
): HandlerDescriptor {
  const { handlerClass, method } = registration;
  let call: ((...args: unknown[]) => unknown) | undefined;
  const resolveInstance = (): object => {
    let instance = instances.get(handlerClass);
    if (!instance) {
      instance = container.resolve(handlerClass, "handler class");
      instances.set(handlerClass, instance);
    }
    return instance;
  };
  const resolve = () => {
    const instance = resolveInstance();
    const fn = (instance as Record<string, unknown>)[method] as (...a: unknown[]) => unknown;
    return fn.bind(instance);
  };
  // A plain function (not rest parameters) keeps the one-argument call free of array allocation.
  const handler = function (this: unknown, message: unknown) {
    call ??= resolve();
    // biome-ignore lint/complexity/noArguments: forwards extra handler arguments without allocating for the common case.
    return arguments.length === 1 ? call(message) : call(...arguments);
  };
  return new HandlerDescriptor(
    handler,
    `${handlerClass.name}.${method}`,
    registration.options,
    resolveInstance,
  );
}
