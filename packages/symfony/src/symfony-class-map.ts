import { InvalidArgumentError } from "@messenger-ts/core";

/** A message class, as `@AsMessage` takes it. */
export type SymfonyMessageClass = abstract new (...args: any[]) => object;

// A PHP class name, fully qualified without the leading backslash: `App\Message\SendEmailMessage`.
const PHP_CLASS_NAME =
  /^[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*(\\[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)*$/;

/**
 * Maps PHP class names (what Symfony's serializer writes in the `type` header) to message classes
 * and back. Decoding only ever builds a class found here (or a registered message type), so a
 * `type` header can never name arbitrary code.
 */
export class SymfonyClassMap {
  readonly #byPhpClass = new Map<string, SymfonyMessageClass>();
  readonly #byClass = new Map<SymfonyMessageClass, string>();

  constructor(entries: Iterable<readonly [string, SymfonyMessageClass]> = []) {
    for (const [phpClass, type] of entries) this.register(phpClass, type);
  }

  /** Declares that `type` is the PHP class `phpClass`. Registering the same pair again is a no-op. */
  register(phpClass: string, type: SymfonyMessageClass): this {
    const name = typeof phpClass === "string" ? phpClass.replace(/^\\/, "") : phpClass;
    if (typeof name !== "string" || !PHP_CLASS_NAME.test(name)) {
      throw new InvalidArgumentError(
        `Invalid PHP class name ${JSON.stringify(phpClass)} for ${describe(type)}: give the fully qualified class name Symfony writes in the "type" header, e.g. "App\\\\Message\\\\SendEmailMessage" in a string literal.`,
        { code: "INVALID_TYPE_NAME" },
      );
    }
    if (typeof type !== "function") {
      throw new InvalidArgumentError(
        `Cannot map PHP class "${name}" to ${describe(type)}: a message class is needed.`,
        { code: "INVALID_TYPE_NAME" },
      );
    }
    const existing = this.#byPhpClass.get(name);
    if (existing !== undefined && existing !== type) {
      throw new InvalidArgumentError(
        `PHP class "${name}" is mapped to two classes: ${describe(existing)} and ${describe(type)}. Each PHP class maps to one message class.`,
        { code: "DUPLICATE_TYPE_NAME" },
      );
    }
    const previous = this.#byClass.get(type);
    if (previous !== undefined && previous !== name) this.#byPhpClass.delete(previous);
    this.#byPhpClass.set(name, type);
    this.#byClass.set(type, name);
    return this;
  }

  classFor(phpClass: string): SymfonyMessageClass | undefined {
    return this.#byPhpClass.get(phpClass.replace(/^\\/, ""));
  }

  /** The PHP class name declared for exactly this class. */
  phpClassOf(type: SymfonyMessageClass): string | undefined {
    return this.#byClass.get(type);
  }

  phpClasses(): string[] {
    return [...this.#byPhpClass.keys()];
  }
}

/** The map `@AsSymfonyMessage` writes to; the default of every `SymfonySerializer`. */
export const symfonyClasses = new SymfonyClassMap();

/** True for a string that can be a fully qualified PHP class name. */
export function isPhpClassName(value: string): boolean {
  return PHP_CLASS_NAME.test(value);
}

function describe(value: unknown): string {
  return typeof value === "function" ? value.name || "an anonymous class" : String(value);
}
