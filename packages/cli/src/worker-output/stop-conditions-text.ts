/** The stop conditions of one `messenger:consume` run, as the operator gave them. */
export interface StopConditions {
  readonly limit?: number;
  readonly failureLimit?: number;
  /** As typed (`128M`), so the banner repeats the operator's own words. */
  readonly memoryLimit?: string;
  /** Seconds. */
  readonly timeLimit?: number;
  /** Whether the worker watches a restart-signal store that `messenger:stop-workers` can write to. */
  readonly stopWorkers: boolean;
}

/**
 * Symfony's comment under the consume banner: "The worker will automatically exit once it has
 * processed 10 messages, reached 2 failed messages, exceeded 128M of memory, been running for
 * 3600s or received a stop signal via the messenger:stop-workers command." Undefined when there
 * is no condition at all (no limits and no store for the stop signal).
 */
export function stopConditionsText(conditions: StopConditions): string | undefined {
  const parts: string[] = [];
  if (conditions.limit !== undefined) parts.push(`processed ${conditions.limit} messages`);
  if (conditions.failureLimit !== undefined) parts.push(`reached ${conditions.failureLimit} failed messages`);
  if (conditions.memoryLimit !== undefined) parts.push(`exceeded ${conditions.memoryLimit} of memory`);
  if (conditions.timeLimit !== undefined) parts.push(`been running for ${conditions.timeLimit}s`);
  if (conditions.stopWorkers) parts.push("received a stop signal via the messenger:stop-workers command");
  const last = parts.pop();
  if (last === undefined) return undefined;
  const joined = parts.length > 0 ? `${parts.join(", ")} or ${last}` : last;
  return `The worker will automatically exit once it has ${joined}.`;
}
