import type { Envelope } from "../../envelope/envelope.js";
import type { Stamp } from "../../envelope/stamp.js";

/** An event about one received message; listeners may add stamps to it. */
export abstract class AbstractWorkerMessageEvent {
  #envelope: Envelope;

  constructor(
    envelope: Envelope,
    readonly receiverName: string,
  ) {
    this.#envelope = envelope;
  }

  get envelope(): Envelope {
    return this.#envelope;
  }

  addStamps(...stamps: Stamp[]): void {
    this.#envelope = this.#envelope.with(...stamps);
  }
}
