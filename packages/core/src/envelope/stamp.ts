/**
 * Base of every stamp: a small readonly value object with metadata about one envelope.
 *
 * A stamp that travels through transports is "sendable": its class has a static `stampName` (the
 * stable wire name used in the `X-Message-Stamp-<stampName>` header) and a static `fromJSON`
 * that rebuilds it from its JSON form. Stamps that only make sense inside one process extend
 * {@link NonSendableStamp} instead and are dropped before encoding.
 */
export abstract class Stamp {}

/** A process-local stamp (callbacks, received markers, cached bodies): never serialised. */
export abstract class NonSendableStamp extends Stamp {}

/** Any stamp class, concrete or abstract; used for lookups and type-based removal. */
export type StampType<T extends Stamp = Stamp> = abstract new (...args: any[]) => T;

/** A concrete stamp class. */
export type StampClass<T extends Stamp = Stamp> = new (...args: any[]) => T;

/** The static side a sendable stamp class must have. */
export interface SendableStampClass<T extends Stamp = Stamp> extends StampClass<T> {
  /** Stable wire name; never the JS class name, which minifiers may change. */
  readonly stampName: string;
  /** Rebuilds the stamp from what `JSON.stringify(stamp)` produced. Must validate its input. */
  fromJSON(data: unknown): T;
  /**
   * True for a stamp that only adds information (the trace context): a header of it that cannot be
   * decoded is dropped instead of failing the whole message. @defaultValue false
   */
  readonly dropWhenUndecodable?: boolean;
}

export function isSendableStampClass(type: StampType): type is SendableStampClass {
  const candidate = type as Partial<SendableStampClass>;
  return typeof candidate.stampName === "string" && typeof candidate.fromJSON === "function";
}
