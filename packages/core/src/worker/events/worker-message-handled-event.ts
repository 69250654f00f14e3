import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/** A message was handled; it is acknowledged right after the listeners ran. */
export class WorkerMessageHandledEvent extends AbstractWorkerMessageEvent {}
