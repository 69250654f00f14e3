/** An error that aggregates other errors (handler failures, delayed dispatch failures). */
export interface WrappedErrors {
  readonly wrappedErrors: readonly Error[];
}

export function hasWrappedErrors(error: unknown): error is Error & WrappedErrors {
  return error instanceof Error && Array.isArray((error as Partial<WrappedErrors>).wrappedErrors);
}

/**
 * Every error nested in `error` (recursively through aggregates), optionally only instances of `type`.
 * The aggregate itself is not part of the result.
 */
export function unwrapErrors<T extends Error = Error>(
  error: Error & WrappedErrors,
  type?: abstract new (...args: any[]) => T,
): T[] {
  const out: T[] = [];
  for (const nested of error.wrappedErrors) {
    if (hasWrappedErrors(nested)) out.push(...unwrapErrors(nested, type));
    if (!type || nested instanceof type) out.push(nested as T);
  }
  return out;
}
