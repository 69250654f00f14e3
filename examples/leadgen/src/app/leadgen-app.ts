import type { ConsoleApplication } from "@messenger-ts/cli";
import type { Clock, Logger, MessageBus, Messenger } from "@messenger-ts/core";
import type { MessageHistoryStore } from "@messenger-ts/dashboard";
import type { PrometheusEndpoint } from "@messenger-ts/opentelemetry/prometheus";
import type { Schedule, ScheduleRegistry } from "@messenger-ts/scheduler";
import type { DependencyContainer } from "tsyringe";
import type { LeadgenServices } from "../services/index.js";
import type { DomainStore } from "../store/domain-store.js";
import type { LeadgenSettings } from "./leadgen-settings.js";

/**
 * A running lead-generation application: what `bin/console` (as its `ConsoleApplication`), the
 * HTTP server and the tests work on. Build it with `createLeadgenApp`, close it when done.
 */
export interface LeadgenApp extends ConsoleApplication {
  readonly settings: LeadgenSettings;
  /** The messenger: transports high_priority, normal, low_priority, failed and scheduler_leadgen. */
  readonly messenger: Messenger;
  /** The default bus: `await app.bus.dispatch(new AnalyzeLeadMessage(1))`. */
  readonly bus: MessageBus;
  /** For `debug:scheduler` and the `scheduler_leadgen` receiver. */
  readonly schedules: ScheduleRegistry;
  /** The `leadgen` schedule itself. */
  readonly schedule: Schedule;
  /** The application's own child of tsyringe's root container: services, handlers, the bus. */
  readonly container: DependencyContainer;
  readonly store: DomainStore;
  /** The services, to call inline (a console command without `--async`). */
  readonly services: LeadgenServices;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's messenger metrics; `metrics.requestHandler` answers a Prometheus scrape. */
  readonly metrics: PrometheusEndpoint;
  /** The message history the workers record and the dashboard shows; undefined when it is off (the default). */
  readonly history: MessageHistoryStore | undefined;
  /** Creates the domain tables and sets every transport up (`messenger:setup-transports`). */
  setup(): Promise<void>;
  /** Closes the transports, then the store. */
  close(): Promise<void>;
}
