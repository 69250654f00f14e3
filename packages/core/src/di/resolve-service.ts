import type { DependencyContainer } from "tsyringe";
import { UnresolvableServiceError } from "../errors/unresolvable-service-error.js";

type Constructor<T> = new (...args: any[]) => T;

// tsyringe's own wording (4.x); its errors have no codes. The innermost reason is the last match:
// "Cannot inject the dependency at position #0 of "A" constructor. Reason: TypeInfo not known for "B"".
const TYPE_INFO_UNKNOWN = /TypeInfo not known for "([^"]*)"/g;
const UNREGISTERED_TOKEN = /Attempted to resolve unregistered dependency token: "([^"]*)"/g;

const FIX_COPIES =
  "run `npm ls tsyringe` and `npm ls @messenger-ts/core`: each must be installed once (dedupe; make tsyringe and reflect-metadata dependencies of the application itself, and install the messenger-ts packages from the registry or packed tarballs rather than linking them with file: paths), or pass the container of the tsyringe your classes use: createMessenger({ container })";

/**
 * Resolves a class from the container; when tsyringe cannot build it, throws an
 * {@link UnresolvableServiceError} that says why in the application's terms. Any other error (a
 * constructor that throws) goes through unchanged.
 */
export function resolveService<T>(container: DependencyContainer, target: Constructor<T>, role: string): T {
  try {
    return container.resolve(target);
  } catch (error) {
    const diagnosis = diagnose(error, target, role);
    if (diagnosis === undefined) throw error;
    throw new UnresolvableServiceError(target.name, diagnosis, { cause: error });
  }
}

function lastMatch(pattern: RegExp, text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(pattern)) found = match[1];
  return found;
}

function diagnose(error: unknown, target: Function, role: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const head = `Cannot resolve ${role} ${target.name} from the container`;
  const unknownClass = lastMatch(TYPE_INFO_UNKNOWN, error.message);
  if (unknownClass !== undefined) {
    const found = findClass(target, unknownClass);
    const what = found === target ? target.name : `its dependency ${unknownClass}`;
    return `${head}: tsyringe does not know how to build ${what}, whose constructor takes arguments.\n${causeAndFix(unknownClass, found)}`;
  }
  const token = lastMatch(UNREGISTERED_TOKEN, error.message);
  if (token !== undefined) {
    return `${head}: the token "${token}" it needs is not registered in that container.
Likely cause: nothing registers "${token}" (an interface or a string token given with @inject), or it is registered in another container: one of another copy of tsyringe (two copies in node_modules), or not the one given to createMessenger.
Fix: register it on the container given to createMessenger (container.register("${token}", { useClass: ... })); ${FIX_COPIES}.`;
  }
  return undefined;
}

/**
 * The signal that tells two copies of tsyringe from a class nobody decorated. tsyringe records a
 * class's constructor parameters in a module-level map of its own (`typeInfo`) when its
 * @injectable() runs, and throws "TypeInfo not known" when the map lacks a class whose constructor
 * takes arguments. TypeScript (with emitDecoratorMetadata) emits `design:paramtypes` for a class
 * that has a class decorator, into reflect-metadata's store, which every copy shares. So a class
 * with its own non-empty `design:paramtypes` that our tsyringe does not know was decorated, just
 * not by our @injectable: almost always the @injectable of a second tsyringe. A class without it
 * has no class decorator, or was compiled without the metadata.
 */
function causeAndFix(name: string, found: Function | undefined): string {
  const params = found
    ? (Reflect.getOwnMetadata("design:paramtypes", found) as unknown[] | undefined)
    : undefined;
  if (params !== undefined && params.length > 0) {
    return `Likely cause: ${name} is decorated (it carries constructor type metadata), but not with the @injectable() of the tsyringe that @messenger-ts/core resolves from: the application has two copies of tsyringe (or of @messenger-ts/core) in node_modules, and the class was registered in the other one.
Fix: ${FIX_COPIES}.`;
  }
  return `Likely cause: ${name} has no constructor type metadata, so tsyringe cannot tell what to inject: the class has no @injectable() (or, for a handler class, @AsMessageHandler()) class decorator; or the compiler does not emit the metadata (tsconfig needs "experimentalDecorators": true and "emitDecoratorMetadata": true; esbuild and tsx never emit it); or \`import "reflect-metadata"\` ran after the class was evaluated. A decorated class can also be unknown because of a second copy of tsyringe.
Fix: decorate ${name} with @injectable() from tsyringe, set both tsconfig flags, import "reflect-metadata" first in the entry point, or register ${name} with a factory (container.register(${name}, { useFactory: ... })); ${FIX_COPIES}.`;
}

/** The class named `name` among `root` and the constructor dependencies it declares, recursively. */
function findClass(root: Function, name: string): Function | undefined {
  const seen = new Set<Function>();
  const queue: Function[] = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    if (current.name === name) return current;
    const params = Reflect.getOwnMetadata("design:paramtypes", current) as unknown[] | undefined;
    for (const param of params ?? []) if (typeof param === "function") queue.push(param);
  }
  return undefined;
}
