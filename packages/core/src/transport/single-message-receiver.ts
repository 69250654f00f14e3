import type { Envelope } from "../envelope/envelope.js";
import type { Receiver } from "./receiver.js";

/**
 * A receiver that yields one given envelope once, then nothing, and passes acknowledgements and
 * rejections on to the receiver the envelope came from (Symfony's `SingleMessageReceiver`).
 *
 * `messenger:failed:retry` runs a one-shot worker over it with an envelope found by id, so the
 * message goes through the whole worker path again (the retry and failure-transport listeners
 * included) without the worker claiming anything else from the transport with `get()`.
 */
export class SingleMessageReceiver implements Receiver {
  readonly #receiver: Receiver;
  #envelope: Envelope | undefined;

  constructor(receiver: Receiver, envelope: Envelope) {
    this.#receiver = receiver;
    this.#envelope = envelope;
  }

  /** Whether `get()` has not handed out the envelope yet. */
  get hasMessage(): boolean {
    return this.#envelope !== undefined;
  }

  async get(): Promise<readonly Envelope[]> {
    const envelope = this.#envelope;
    this.#envelope = undefined;
    return envelope === undefined ? [] : [envelope];
  }

  ack(envelope: Envelope): Promise<void> {
    return this.#receiver.ack(envelope);
  }

  reject(envelope: Envelope): Promise<void> {
    return this.#receiver.reject(envelope);
  }
}
