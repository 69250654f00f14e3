import type { Envelope } from "../envelope/envelope.js";

/** Stores or forwards an envelope. */
export interface Sender {
  /**
   * Sends the envelope and returns it with a transport-message-id stamp when the transport has ids.
   * Must honour a delay stamp (milliseconds). Throws a transport error when the backend fails;
   * it must not resolve unless the message is durably stored (for durable transports).
   */
  send(envelope: Envelope): Promise<Envelope>;
}
