/**
 * A sender that honours `DeduplicateStamp` atomically in its backend: of concurrent sends with a
 * key, one is stored; the others come back with a `DeduplicatedStamp`. A sender without this
 * capability stores every message, whatever its stamp.
 */
export interface DeduplicatingSender {
  readonly supportsDeduplication: true;
}

export function isDeduplicatingSender(value: unknown): value is DeduplicatingSender {
  return (value as Partial<DeduplicatingSender> | null)?.supportsDeduplication === true;
}
