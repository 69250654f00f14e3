import { AsMessageHandler, MessageBus, TransportNamesStamp } from "@messenger-ts/core";
import { RedispatchMessage } from "./redispatch-message.js";

/**
 * Handles {@link RedispatchMessage}: dispatches its message on the default bus with a
 * `TransportNamesStamp`, so it goes to exactly those transports. Registered by `@AsMessageHandler`
 * (handler discovery finds it once the scheduler is imported); list it in `handlers` otherwise.
 */
@AsMessageHandler({ handles: RedispatchMessage })
export class RedispatchMessageHandler {
  constructor(private readonly bus: MessageBus) {}

  async handle(message: RedispatchMessage): Promise<void> {
    await this.bus.dispatch(message.message, [new TransportNamesStamp(message.transportNames)]);
  }
}
