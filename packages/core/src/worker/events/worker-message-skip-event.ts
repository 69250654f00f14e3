import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/**
 * An operator chose "skip" for a failed message in `messenger:failed:retry`: it stays in the
 * failure transport. `receiverName` is that failure transport's name.
 */
export class WorkerMessageSkipEvent extends AbstractWorkerMessageEvent {}
