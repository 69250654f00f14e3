import { isListableReceiver, type ListableReceiver, type Messenger, type Receiver } from "@messenger-ts/core";

/** A failure transport the pages can work on: one of the messenger's, able to list and find. */
export interface FailureReceiver {
  readonly name: string;
  readonly receiver: Receiver & ListableReceiver;
}

/** The failure transport of that name, or undefined when it is not one or cannot list. */
export function failureReceiver(messenger: Messenger, name: string): FailureReceiver | undefined {
  if (!messenger.failureTransportNames.includes(name)) return undefined;
  const receiver = messenger.getTransport(name);
  return isListableReceiver(receiver) ? { name, receiver } : undefined;
}
