/**
 * A transport that honours `PriorityStamp`: `get()` returns due messages highest priority first,
 * then earliest due first. A transport without it ignores the stamp (the stamp still travels).
 */
export interface PriorityAwareReceiver {
  readonly supportsPriority: true;
}

export function isPriorityAwareReceiver(value: unknown): value is PriorityAwareReceiver {
  return (value as Partial<PriorityAwareReceiver> | null)?.supportsPriority === true;
}
