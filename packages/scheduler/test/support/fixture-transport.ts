import {
  type Clock,
  DelayStamp,
  type EncodedEnvelope,
  type Envelope,
  type Serializer,
  type Transport,
  type TransportFactory,
  type TransportFactoryContext,
  TransportMessageIdStamp,
} from "@messenger-ts/core";

interface Stored {
  readonly id: number;
  readonly encoded: EncodedEnvelope;
  readonly availableAt: number;
  claimed: boolean;
}

/**
 * A tiny queue for tests (`fixture://`): every envelope goes through the messenger's serializer,
 * as on a real transport, and delays follow the messenger's clock.
 */
export class FixtureTransport implements Transport {
  readonly sent: Envelope[] = [];
  readonly #stored: Stored[] = [];
  #nextId = 1;

  constructor(
    private readonly serializer: Serializer,
    private readonly clock: Clock,
  ) {}

  async send(envelope: Envelope): Promise<Envelope> {
    const id = this.#nextId++;
    const delay = envelope.last(DelayStamp)?.delay ?? 0;
    this.#stored.push({
      id,
      encoded: this.serializer.encode(envelope),
      availableAt: this.clock.now() + delay,
      claimed: false,
    });
    const stamped = envelope.with(new TransportMessageIdStamp(id));
    this.sent.push(stamped);
    return stamped;
  }

  async get(): Promise<readonly Envelope[]> {
    const now = this.clock.now();
    const due = this.#stored.filter((s) => !s.claimed && s.availableAt <= now);
    for (const stored of due) stored.claimed = true;
    return due.map((s) => this.serializer.decode(s.encoded).with(new TransportMessageIdStamp(s.id)));
  }

  async ack(envelope: Envelope): Promise<void> {
    this.#remove(envelope);
  }

  async reject(envelope: Envelope): Promise<void> {
    this.#remove(envelope);
  }

  /** What is stored, decoded. */
  messages(): Envelope[] {
    return this.#stored.map((s) => this.serializer.decode(s.encoded));
  }

  #remove(envelope: Envelope): void {
    const id = envelope.last(TransportMessageIdStamp)?.id;
    const index = this.#stored.findIndex((s) => s.id === id);
    if (index >= 0) this.#stored.splice(index, 1);
  }
}

export class FixtureTransportFactory implements TransportFactory {
  readonly schemes = ["fixture"] as const;
  readonly created = new Map<string, FixtureTransport>();

  supports(dsn: string): boolean {
    return dsn.startsWith("fixture://");
  }

  createTransport(_dsn: string, _options: unknown, context: TransportFactoryContext): FixtureTransport {
    const transport = new FixtureTransport(context.serializer, context.clock);
    this.created.set(context.name, transport);
    return transport;
  }
}
