import { AsMessageHandler, Messenger, UnrecoverableMessageHandlingError } from "@messenger-ts/core";
import { taskServiceFor } from "../decorators/task-registry.js";
import { ServiceCallMessage } from "./service-call-message.js";

/**
 * Handles {@link ServiceCallMessage}: resolves the task class from the messenger's container
 * (so its constructor dependencies are injected) and calls the method. An unknown service or
 * method cannot get better with retries: it fails as unrecoverable.
 */
@AsMessageHandler({ handles: ServiceCallMessage })
export class ServiceCallMessageHandler {
  constructor(private readonly messenger: Messenger) {}

  async handle(message: ServiceCallMessage): Promise<unknown> {
    const type = taskServiceFor(message.serviceId);
    if (!type) {
      throw new UnrecoverableMessageHandlingError(
        `No task service "${message.serviceId}": decorate its class with @AsCronTask or @AsPeriodicTask, or register it with registerTaskService().`,
      );
    }
    const instance = this.messenger.container.resolve(type, "task class") as Record<string, unknown>;
    const method = instance[message.method];
    if (typeof method !== "function") {
      throw new UnrecoverableMessageHandlingError(
        `Task service "${message.serviceId}" has no method "${message.method}".`,
      );
    }
    return await method.apply(instance, message.args);
  }
}
