import {
  createMessenger,
  createWorker,
  type HandlerSource,
  JsonSerializer,
  type Logger,
  type Messenger,
  type TransportConfig,
  type Worker,
} from "@messenger-ts/core";
import { StampRegistry } from "@messenger-ts/core/serialization";
import { FakeClock } from "@messenger-ts/core/testing";
import { ScheduledStamp, type ScheduleRegistry, ScheduleTransportFactory } from "../../src/index.js";
import { FixtureTransportFactory } from "./fixture-transport.js";

export const START = Date.UTC(2024, 0, 1);

export interface Harness {
  readonly clock: FakeClock;
  readonly messenger: Messenger;
  readonly fixtures: FixtureTransportFactory;
  /** Starts a worker on these transports; `stop()` stops it and waits for it. */
  start(receivers: readonly string[]): { worker: Worker; stop(): Promise<void> };
  /** Moves the fake clock second by second, letting the worker run at each step. */
  advance(ms: number): Promise<void>;
}

/** A messenger with the schedule transports of `registry`, fixture transports and a fake clock. */
export function harness(options: {
  readonly schedules: ScheduleRegistry;
  readonly handlers: readonly HandlerSource[];
  readonly transports?: Record<string, string | TransportConfig>;
  readonly logger?: Logger;
}): Harness {
  const clock = new FakeClock(START);
  const fixtures = new FixtureTransportFactory();
  const messenger = createMessenger({
    transports: { ...options.schedules.transports(), ...options.transports },
    transportFactories: [new ScheduleTransportFactory(options.schedules), fixtures],
    handlers: options.handlers,
    serializer: new JsonSerializer({ stamps: new StampRegistry().register(ScheduledStamp) }),
    clock,
    logger: options.logger,
  });
  return {
    clock,
    messenger,
    fixtures,
    start(receivers) {
      const worker = createWorker(messenger, { receivers, sleep: 1000, keepaliveInterval: false });
      const running = worker.run();
      return {
        worker,
        async stop() {
          worker.stop();
          await clock.advance(1000);
          await running;
        },
      };
    },
    async advance(ms) {
      for (let left = ms; left > 0; left -= 1000) await clock.advance(Math.min(1000, left));
    },
  };
}
