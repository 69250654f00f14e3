import type { Stamp, StampType } from "@messenger-ts/core";

/**
 * How one stamp class both sides know travels in Symfony's format: the PHP class named in the
 * `X-Message-Stamp-<PHP class>` header, and the JSON object Symfony's serializer writes and reads
 * for one stamp of it (the header holds a JSON array of those).
 */
export interface SymfonyStampTranslation<T extends Stamp = Stamp> {
  /** The stamp class of this process. */
  readonly stamp: StampType<T>;
  /** The PHP class, e.g. `Symfony\Component\Messenger\Stamp\BusNameStamp`. */
  readonly phpClass: string;
  /** The object Symfony's ObjectNormalizer would write for the PHP stamp. */
  toSymfony(stamp: T): Record<string, unknown>;
  /** Rebuilds the stamp from what Symfony wrote; throws a decoding error on a bad shape. */
  fromSymfony(data: unknown): T;
}

/** Keeps the stamp type when a translation is listed among others. */
export function defineStampTranslation<T extends Stamp>(
  translation: SymfonyStampTranslation<T>,
): SymfonyStampTranslation<T> {
  return translation;
}
