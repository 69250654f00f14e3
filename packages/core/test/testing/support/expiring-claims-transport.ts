import type { Clock } from "../../../src/clock/clock.js";
import type { Envelope } from "../../../src/envelope/envelope.js";
import type { EncodedEnvelope, Serializer } from "../../../src/serialization/serializer.js";
import { decodeOrUndecodable } from "../../../src/serialization/undecodable-message.js";
import { DelayStamp } from "../../../src/stamps/delay-stamp.js";
import { TransportMessageIdStamp } from "../../../src/stamps/transport-message-id-stamp.js";
import type { KeepaliveReceiver } from "../../../src/transport/capabilities/keepalive-receiver.js";
import type { Transport } from "../../../src/transport/transport.js";

interface Row {
  readonly id: string;
  readonly encoded: EncodedEnvelope;
  readonly availableAt: number;
  claimedUntil: number;
}

/**
 * A minimal transport with what the in-memory one lacks: claims that expire after a redelivery
 * timeout and keepalive that extends them, stored encoded with string ids as a database would.
 * It exists to run every test of the conformance suite, including the ones in-memory skips.
 */
export class ExpiringClaimsTransport implements Transport, KeepaliveReceiver {
  readonly #rows: Row[] = [];
  #nextId = 1;

  constructor(
    private readonly serializer: Serializer,
    private readonly clock: Clock,
    readonly redeliveryTimeout: number,
  ) {}

  async send(envelope: Envelope): Promise<Envelope> {
    const id = `row-${this.#nextId++}`;
    const sent = envelope.with(new TransportMessageIdStamp(id));
    const availableAt = this.clock.now() + (envelope.last(DelayStamp)?.delay ?? 0);
    this.#rows.push({ id, encoded: this.serializer.encode(sent), availableAt, claimedUntil: 0 });
    return sent;
  }

  /** Like Doctrine: one message per call. */
  async get(): Promise<readonly Envelope[]> {
    const now = this.clock.now();
    const row = this.#rows.find((r) => r.availableAt <= now && r.claimedUntil <= now);
    if (!row) return [];
    row.claimedUntil = now + this.redeliveryTimeout;
    const envelope = decodeOrUndecodable(this.serializer, row.encoded);
    return [
      envelope.has(TransportMessageIdStamp) ? envelope : envelope.with(new TransportMessageIdStamp(row.id)),
    ];
  }

  async ack(envelope: Envelope): Promise<void> {
    this.#delete(envelope);
  }

  async reject(envelope: Envelope): Promise<void> {
    this.#delete(envelope);
  }

  async keepalive(envelope: Envelope, seconds?: number): Promise<void> {
    const row = this.#rows.find((r) => r.id === envelope.last(TransportMessageIdStamp)?.id);
    if (row)
      row.claimedUntil =
        this.clock.now() + (seconds === undefined ? this.redeliveryTimeout : seconds * 1_000);
  }

  inject(encoded: EncodedEnvelope): void {
    this.#rows.push({ id: `row-${this.#nextId++}`, encoded, availableAt: this.clock.now(), claimedUntil: 0 });
  }

  #delete(envelope: Envelope): void {
    const index = this.#rows.findIndex((r) => r.id === envelope.last(TransportMessageIdStamp)?.id);
    if (index === -1) throw new Error("unknown message");
    this.#rows.splice(index, 1);
  }
}
