import type { Envelope } from "../envelope/envelope.js";
import { ValidationFailedError, type ValidationIssue } from "../envelope-errors/validation-failed-error.js";
import { classHierarchy, getMessageMetadata } from "../message/as-message.js";
import type { MessageClass } from "../message/message-class.js";
import type { StandardSchemaV1 } from "../message/standard-schema.js";
import type { Middleware, Stack } from "./middleware.js";

function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => (typeof segment === "object" && segment !== null ? segment.key : segment))
    .map(String)
    .join(".");
}

/**
 * Checks each message against the Standard Schema its class (or a parent) declares with
 * `@AsMessage(..., { schema })`, so zod, valibot, arktype... all work. A message without a
 * schema passes. The message itself is handed on unchanged: schemas check, they do not convert.
 */
export class ValidationMiddleware implements Middleware {
  readonly #schemas = new Map<Function, StandardSchemaV1 | null>();

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const schema = this.#schemaFor(envelope.message.constructor as MessageClass);
    if (schema) {
      const result = await schema["~standard"].validate(envelope.message);
      if (result.issues) {
        const issues: ValidationIssue[] = result.issues.map((i) => ({ path: pathOf(i), message: i.message }));
        throw new ValidationFailedError(envelope, issues);
      }
    }
    return stack.next().handle(envelope, stack);
  }

  #schemaFor(type: MessageClass): StandardSchemaV1 | null {
    let schema = this.#schemas.get(type);
    if (schema === undefined) {
      schema =
        classHierarchy(type)
          .map((c) => getMessageMetadata(c)?.schema)
          .find((s) => s !== undefined) ?? null;
      this.#schemas.set(type, schema);
    }
    return schema;
  }
}
