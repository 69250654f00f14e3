import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/** An operator chose "skip" for a failed message in `messenger:failed:retry`. */
export class WorkerMessageSkipEvent extends AbstractWorkerMessageEvent {}
