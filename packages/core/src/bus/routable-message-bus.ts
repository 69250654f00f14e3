import { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { UnknownBusError } from "../errors/unknown-bus-error.js";
import type { Query } from "../message/query.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import { MessageBus } from "./message-bus.js";

const NO_STAMPS: readonly Stamp[] = [];

/**
 * The bus workers dispatch on: it picks the bus named in the envelope's bus-name stamp, or the
 * fallback (default) bus when there is none. It only takes envelopes.
 */
export class RoutableMessageBus extends MessageBus {
  constructor(
    private readonly buses: ReadonlyMap<string, MessageBus>,
    private readonly fallbackBusName?: string,
  ) {
    super();
  }

  private get fallbackBus(): MessageBus | undefined {
    return this.fallbackBusName === undefined ? undefined : this.buses.get(this.fallbackBusName);
  }

  getMessageBus(busName: string): MessageBus {
    const bus = this.buses.get(busName);
    if (!bus) {
      throw new UnknownBusError(
        `Bus named ${JSON.stringify(busName)} does not exist; buses: ${[...this.buses.keys()].join(", ")}. A message naming it (in its BusNameStamp) cannot be handled until such a bus is configured.`,
      );
    }
    return bus;
  }

  dispatch<T extends object>(
    message: T | Envelope<T>,
    stamps: readonly Stamp[] = NO_STAMPS,
  ): Promise<Envelope<T>> {
    if (!(message instanceof Envelope)) {
      return Promise.reject(
        new InvalidArgumentError("Messages passed to the routable bus must be wrapped in an Envelope.", {
          code: "ENVELOPE_REQUIRED",
        }),
      );
    }
    const busName = message.last(BusNameStamp)?.busName;
    if (busName === undefined) {
      if (!this.fallbackBus) {
        return Promise.reject(
          new UnknownBusError(
            `Envelope has no bus name stamp and there is no fallback bus; buses: ${[...this.buses.keys()].join(", ")}.`,
          ),
        );
      }
      return this.fallbackBus.dispatch(message, stamps);
    }
    try {
      return this.getMessageBus(busName).dispatch(message, stamps);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  query<R>(message: Query<R> | Envelope<Query<R>>, stamps: readonly Stamp[] = []): Promise<R> {
    const envelope = Envelope.wrap(message as object) as Envelope<Query<R>>;
    const busName = envelope.last(BusNameStamp)?.busName;
    const bus = busName === undefined ? this.fallbackBus : this.getMessageBus(busName);
    if (!bus)
      return Promise.reject(
        new UnknownBusError(`There is no fallback bus; buses: ${[...this.buses.keys()].join(", ")}.`),
      );
    return bus.query(envelope, stamps);
  }
}
