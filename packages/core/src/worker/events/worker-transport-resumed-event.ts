/** The worker saw that a paused transport it consumes was resumed (`messenger:resume`): it fetches from it again. */
export class WorkerTransportResumedEvent {
  constructor(readonly transportName: string) {}
}
