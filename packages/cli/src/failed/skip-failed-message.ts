import { type Envelope, type Messenger, WorkerMessageSkipEvent } from "@messenger-ts/core";

/**
 * The operator chose "skip" for a message of a failure transport: it stays there, and the
 * messenger's listeners hear a `WorkerMessageSkipEvent` with its envelope and the failure
 * transport's name, as Symfony's `messenger:failed:retry` tells them. Dispatched on the messenger's
 * own dispatcher, whose listeners the retry worker's dispatcher reaches too.
 */
export async function skipFailedMessage(
  messenger: Messenger,
  transportName: string,
  envelope: Envelope,
): Promise<void> {
  await messenger.events.dispatch(new WorkerMessageSkipEvent(envelope, transportName));
}
