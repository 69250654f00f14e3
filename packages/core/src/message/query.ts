declare const resultType: unique symbol;

/**
 * Base class for messages that ask for a result. The type parameter is the result the one handler
 * returns; `bus.query(message)` gives it to the caller, typed.
 *
 * @example
 * ```ts
 * class GetLead extends Query<Lead> { constructor(readonly id: string) { super(); } }
 * const lead = await bus.query(new GetLead("42")); // lead: Lead
 * ```
 */
export abstract class Query<TResult> {
  /** Type-level only: never set at run time. */
  declare readonly [resultType]?: TResult;
}

/** The result type a query message declares. */
export type ResultOf<M> = M extends Query<infer R> ? R : unknown;
