import type { Resettable } from "../di/resettable-services.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { WorkerStoppedEvent } from "../worker/events/worker-stopped-event.js";
import type { WorkerListener } from "./worker-listener.js";

export interface ResetServicesListenerOptions {
  readonly logger?: Logger;
}

/**
 * Resets the resettable services after each message the worker handled (a non-idle running
 * event) and when it stops, so state one message left behind never reaches the next. Priority
 * -1024, as in Symfony: after the stop conditions and the application's own listeners. The
 * services are looked up once, on the first reset.
 *
 * A reset that throws is logged and the worker goes on: the message is already acknowledged,
 * and a running-event listener that throws would bring the whole process down.
 */
export class ResetServicesListener implements WorkerListener {
  static readonly priority = -1024;
  readonly #lookup: () => readonly Resettable[];
  readonly #logger: Logger;
  #services: readonly Resettable[] | undefined;

  constructor(services: () => readonly Resettable[], options: ResetServicesListenerOptions = {}) {
    this.#lookup = services;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    const offRunning = events.on(
      WorkerRunningEvent,
      (event) => (event.isWorkerIdle ? undefined : this.reset()),
      ResetServicesListener.priority,
    );
    const offStopped = events.on(WorkerStoppedEvent, () => this.reset(), ResetServicesListener.priority);
    return () => {
      offRunning();
      offStopped();
    };
  }

  async reset(): Promise<void> {
    this.#services ??= this.#lookup();
    for (const service of this.#services) {
      try {
        await service.reset();
      } catch (error) {
        this.#logger.error(
          { service: service.constructor?.name, error },
          "Resetting a service after a message failed",
        );
      }
    }
  }
}
