import { fileURLToPath } from "node:url";
import { ErrorCodes } from "../errors/error-codes.js";
import { LogicError } from "../errors/logic-error.js";

/**
 * Every copy of core loaded in the process, module file → package folder. On `globalThis` under a
 * `Symbol.for` key, so that copies, which share nothing else, see each other. Two copies split
 * what must be one: the registries of `@AsMessage` and `@AsMessageHandler` classes, and the stamp
 * and error classes a worker recognises with `instanceof`, so an application with two fails in
 * ways that point nowhere near the cause.
 */
const CORE_COPIES: unique symbol = Symbol.for("messenger-ts.core");
type Registry = Map<string, string>;

const global = globalThis as { [CORE_COPIES]?: Registry };
const copies: Registry = global[CORE_COPIES] ?? new Map<string, string>();
global[CORE_COPIES] = copies;
const thisModule = fileURLToPath(import.meta.url);
// Loaded again from the same file (a test runner resetting its modules) is the same copy.
if (!copies.has(thisModule)) {
  copies.set(thisModule, fileURLToPath(new URL("../..", import.meta.url)));
  if (copies.size > 1) {
    process.emitWarning(describeCopies(copies), { code: ErrorCodes.DUPLICATE_CORE });
  }
}

function describeCopies(registry: Registry): string {
  const folders = [...new Set(registry.values())].map((folder) => `  ${folder}`).join("\n");
  return `@messenger-ts/core is loaded ${registry.size} times in this process, from:\n${folders}
Each copy has its own message and handler registries and its own classes, so messages, handlers, stamps and transports of one copy are unknown to the other.
Fix: run \`npm ls @messenger-ts/core\` and install it once, so that the transports, the scheduler and the CLI share the application's copy: dedupe, and install the packages from the registry or packed tarballs rather than with file: paths.`;
}

/** Throws when more than one copy of core is loaded: nothing built on two copies works reliably. */
export function assertSingleCoreCopy(): void {
  if (copies.size > 1) throw new LogicError(describeCopies(copies), { code: ErrorCodes.DUPLICATE_CORE });
}
