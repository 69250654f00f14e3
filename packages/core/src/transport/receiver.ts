import type { Envelope } from "../envelope/envelope.js";

/** Delivers stored envelopes to a worker and learns what became of them. */
export interface Receiver {
  /**
   * Claims and returns the next available envelopes (possibly none). Each carries a transport
   * message id stamp. A claimed envelope not acked or rejected in time becomes available again.
   * An envelope whose body cannot be decoded is returned as an undecodable-message envelope,
   * never thrown, so the worker can send it down the failure path.
   */
  get(): Promise<readonly Envelope[]>;
  /** The envelope was handled: remove it for good. */
  ack(envelope: Envelope): Promise<void>;
  /** The envelope failed (its retry copy, if any, was already sent): remove it for good. */
  reject(envelope: Envelope): Promise<void>;
}
