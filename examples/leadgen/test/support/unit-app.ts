import { FakeClock } from "@messenger-ts/core/testing";
import {
  type InMemoryTransport,
  InMemoryTransportFactory,
  processQueued,
} from "@messenger-ts/transport-memory";
import type { InjectionToken } from "tsyringe";
import {
  createLeadgenApp,
  type LeadgenApp,
  type LeadgenOptions,
  type LoadedFixtures,
  loadFixtures,
} from "../../src/index.js";

/** 2024-01-01T00:00:00Z, a Monday: the fixtures' analyses (a week back) fall in the last complete week. */
export const START = Date.UTC(2024, 0, 1);
export const DAY = 86_400_000;

export interface UnitApp {
  readonly app: LeadgenApp;
  readonly clock: FakeClock;
  readonly fixtures: LoadedFixtures;
  /** The messages sent to a transport so far (decoded again: every message went through the serializer). */
  sent(transport: string): object[];
  /** Handles what waits on the transport through the bus, as a worker would (no retries: a failure throws). */
  process(transport: string): Promise<number>;
  /** A handler or service from the application's container. */
  resolve<T>(token: InjectionToken<T>): T;
  close(): Promise<void>;
}

/**
 * The application on in-memory transports (serializing, so each dispatch round-trips through the
 * JSON serializer) and an in-memory SQLite store, with a fake clock, no latency, no schedule store
 * and no environment: what the unit tests run on.
 */
export async function createUnitApp(options: LeadgenOptions = {}): Promise<UnitApp> {
  const clock = new FakeClock(START);
  const app = await createLeadgenApp({
    env: {},
    sqlitePath: ":memory:",
    transportDsn: "in-memory://?serialize=true",
    latencyMs: 0,
    scheduleStore: null,
    clock,
    transportFactories: [new InMemoryTransportFactory()],
    ...options,
  });
  const fixtures = await loadFixtures(app);
  return {
    app,
    clock,
    fixtures,
    sent: (transport) =>
      (app.messenger.getTransport(transport) as InMemoryTransport)
        .getSent()
        .map((envelope) => envelope.message),
    process: (transport) =>
      processQueued(app.messenger.getTransport(transport) as InMemoryTransport, app.bus, {
        transportName: transport,
      }),
    resolve: (token) => app.container.resolve(token),
    close: () => app.close(),
  };
}
