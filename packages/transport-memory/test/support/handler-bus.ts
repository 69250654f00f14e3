import { Envelope, MessageBus, type Query, type Stamp } from "@messenger-ts/core";

/**
 * The smallest bus that processQueued needs: it calls one handler function with each envelope it
 * dispatches, records them, and returns what the handler returned (or the envelope as given).
 */
export class HandlerBus extends MessageBus {
  readonly dispatched: Envelope[] = [];

  constructor(
    private readonly handler: (envelope: Envelope) => Promise<Envelope | undefined> | Envelope | undefined,
  ) {
    super();
  }

  async dispatch<T extends object>(
    message: T | Envelope<T>,
    stamps: readonly Stamp[] = [],
  ): Promise<Envelope<T>> {
    const envelope = Envelope.wrap(message, stamps);
    this.dispatched.push(envelope);
    return ((await this.handler(envelope)) ?? envelope) as Envelope<T>;
  }

  async query<R>(_message: Query<R> | Envelope<Query<R>>): Promise<R> {
    throw new Error("HandlerBus does not answer queries");
  }
}
