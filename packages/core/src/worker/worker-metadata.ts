/** What a worker consumes, for listeners and logs. */
export interface WorkerMetadata {
  readonly transportNames: readonly string[];
  readonly queueNames: readonly string[] | undefined;
  /** When the worker started (clock milliseconds); restart signals older than this are ignored. */
  readonly startedAt: number;
}
