import type { MessageBus } from "../../bus/message-bus.js";
import type { Envelope } from "../../envelope/envelope.js";
import { LogicError } from "../../errors/logic-error.js";
import { ReceivedStamp } from "../../stamps/received-stamp.js";
import type { Transport } from "../transport.js";

/**
 * `sync://`: "handle it now" as an explicit routing target. Sending marks the envelope as
 * received and dispatches it on the routable bus at once; there is nothing to consume.
 */
export class SyncTransport implements Transport {
  constructor(
    private readonly bus: () => MessageBus,
    private readonly name = "sync",
  ) {}

  send(envelope: Envelope): Promise<Envelope> {
    return this.bus().dispatch(envelope.with(new ReceivedStamp(this.name)));
  }

  get(): Promise<readonly Envelope[]> {
    return Promise.reject(
      new LogicError("You cannot receive messages from the sync transport.", { code: "SYNC_TRANSPORT" }),
    );
  }

  ack(): Promise<void> {
    return Promise.reject(
      new LogicError("You cannot acknowledge messages on the sync transport.", { code: "SYNC_TRANSPORT" }),
    );
  }

  reject(): Promise<void> {
    return Promise.reject(
      new LogicError("You cannot reject messages on the sync transport.", { code: "SYNC_TRANSPORT" }),
    );
  }
}
