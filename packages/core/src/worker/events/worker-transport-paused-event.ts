/** The worker saw that a transport it consumes was paused (`messenger:pause`): it stops fetching from it. */
export class WorkerTransportPausedEvent {
  constructor(readonly transportName: string) {}
}
