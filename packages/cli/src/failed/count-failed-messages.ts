import type { ListableReceiver } from "@messenger-ts/core";

/**
 * How many messages a failure transport holds: every one its listing shows, delayed ones too.
 * A failed retry parks its copy there with the failure transport's own retry delay, and a
 * transport's getMessageCount() counts only due messages, so it said "0 pending" above a row.
 * Symfony's Doctrine transport neither counts nor lists delayed rows; ours lists them, so they are
 * counted here. Reads every stored message: failure transports are meant to stay small.
 */
export async function countFailedMessages(receiver: ListableReceiver): Promise<number> {
  return (await receiver.all()).length;
}
