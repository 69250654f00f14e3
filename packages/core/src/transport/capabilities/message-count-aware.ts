/** Counts the messages waiting to be received (approximate; see each transport's README). */
export interface MessageCountAware {
  getMessageCount(): Promise<number>;
}

export function isMessageCountAware(value: unknown): value is MessageCountAware {
  return typeof (value as Partial<MessageCountAware> | null)?.getMessageCount === "function";
}
