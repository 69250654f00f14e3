/**
 * What a stateful schedule remembers: the last run it finished, and when it first started.
 * Times are epoch milliseconds.
 */
export interface CheckpointState {
  /** When the last finished run was due. */
  readonly time: number;
  /** That run's position among the runs due at `time` (declaration order); -1 before any run. */
  readonly index: number;
  /** The schedule's first start: the anchor of periodical triggers without `from`. */
  readonly from: number;
}

/**
 * Where a stateful schedule keeps its checkpoint, so a restart neither loses nor repeats runs.
 *
 * Contract for implementers: `save` overwrites the state of `key` durably before resolving;
 * `load` returns the last saved state or null. Values are kept forever (no expiry).
 */
export interface CheckpointStore {
  load(key: string): Promise<CheckpointState | null>;
  save(key: string, state: CheckpointState): Promise<void>;
}

export function isCheckpointStore(value: unknown): value is CheckpointStore {
  const candidate = value as Partial<CheckpointStore> | null;
  return typeof candidate?.load === "function" && typeof candidate.save === "function";
}

/** A loaded state, checked: a store must never hand the generator a half-valid checkpoint. */
export function checkpointStateFrom(value: unknown): CheckpointState | null {
  if (value === null || value === undefined) return null;
  const { time, index, from } = value as Record<string, unknown>;
  const valid = [time, index, from].every((n) => typeof n === "number" && Number.isFinite(n));
  return valid ? { time: time as number, index: index as number, from: from as number } : null;
}
