/** What a handler threw, as an error (a handler may throw anything). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error(`Handler threw a non-error value: ${String(thrown)}`, { cause: thrown });
}
