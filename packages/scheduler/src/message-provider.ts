import type { MessageContext } from "./message-context.js";

/**
 * What a recurring message sends at each run. Most schedules use a fixed message (a
 * {@link StaticMessageProvider}); a provider computes them per run.
 *
 * `id` must be stable across processes for the same configuration: with the trigger's
 * description it makes the recurring message's id, which identifies it in checkpoints.
 */
export interface MessageProvider {
  getMessages(context: MessageContext): Iterable<object>;
  readonly id: string;
  /** What `debug:scheduler` shows in its "Provider" column. */
  readonly description?: string;
}

export function isMessageProvider(value: unknown): value is MessageProvider {
  const candidate = value as Partial<MessageProvider> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.getMessages === "function" &&
    typeof candidate.id === "string"
  );
}
