import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { MessageClass } from "./message-class.js";

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_.:\\/-]*$/;

/**
 * Maps stable wire type names to message classes and back. Decoding only ever instantiates a
 * class found here, so a type header can never name arbitrary code.
 */
export class MessageTypeRegistry {
  readonly #byName = new Map<string, MessageClass>();
  readonly #byClass = new Map<MessageClass, string>();

  register(type: MessageClass, typeName: string): void {
    if (typeof typeName !== "string" || !TYPE_NAME.test(typeName)) {
      throw new InvalidArgumentError(
        `Invalid message type name ${JSON.stringify(typeName)} for class ${type.name}: use letters, digits and . _ : / - (e.g. "app.send_email").`,
        { code: "INVALID_TYPE_NAME" },
      );
    }
    const existing = this.#byName.get(typeName);
    if (existing && existing !== type) {
      throw new InvalidArgumentError(
        `Message type name "${typeName}" is claimed by two classes: ${existing.name} and ${type.name}. Each class needs its own name.`,
        { code: "DUPLICATE_TYPE_NAME" },
      );
    }
    const previousName = this.#byClass.get(type);
    if (previousName !== undefined && previousName !== typeName) this.#byName.delete(previousName);
    this.#byName.set(typeName, type);
    this.#byClass.set(type, typeName);
  }

  classFor(typeName: string): MessageClass | undefined {
    return this.#byName.get(typeName);
  }

  /** The registered type name of exactly this class. */
  typeNameOf(type: MessageClass): string | undefined {
    return this.#byClass.get(type);
  }

  typeNames(): string[] {
    return [...this.#byName.keys()];
  }
}

/** The registry `@AsMessage` writes to, shared by every messenger in the process. */
export const messageTypes = new MessageTypeRegistry();
