import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/** The retry copy of a failed message was sent (its envelope is the copy). */
export class WorkerMessageRetriedEvent extends AbstractWorkerMessageEvent {}
