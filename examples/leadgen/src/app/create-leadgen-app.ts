import { createMessenger, DEFAULT_BUS_NAME, nullLogger, systemClock } from "@messenger-ts/core";
import { messengerTracing } from "@messenger-ts/opentelemetry";
import { ScheduleRegistry, ScheduleTransportFactory, schedulerHandlers } from "@messenger-ts/scheduler";
import { AmqpTransportFactory } from "@messenger-ts/transport-amqp";
import { MysqlTransportFactory } from "@messenger-ts/transport-mysql";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import { RedisTransportFactory } from "@messenger-ts/transport-redis";
import { SqliteTransportFactory } from "@messenger-ts/transport-sqlite";
import { container as rootContainer } from "tsyringe";
import { leadgenMessengerConfig } from "../config/messenger.js";
import { buildLeadgenSchedule, SCHEDULE_NAME } from "../config/schedule.js";
import { leadgenHandlers } from "../handlers/index.js";
import { type LeadgenServices, SERVICE_CLASSES } from "../services/index.js";
import { openDomainStore } from "../store/open-domain-store.js";
import { createLeadgenMetrics } from "../telemetry/metrics.js";
import { databaseScheduleStore } from "./database-schedule-store.js";
import type { LeadgenApp } from "./leadgen-app.js";
import { type LeadgenOptions, resolveLeadgenSettings } from "./leadgen-options.js";
import { leadgenMessageHistory, messageHistoryEnabled } from "./message-history.js";
import { CLOCK, DOMAIN_STORE, LEADGEN_SETTINGS, LOGGER } from "./tokens.js";

/**
 * Builds the application: settings from the options and the environment, the domain store (tables
 * created), a container of its own with the services, the schedule and the messenger configured
 * as the seed's messenger.yaml (`config/messenger.ts`). Nothing is consumed yet: run a worker
 * with core's `createWorker(app.messenger, { receivers: [...] })` or the console.
 *
 * Several applications can live in one process (tests do): each has its own container, store and
 * transports.
 */
export async function createLeadgenApp(options: LeadgenOptions = {}): Promise<LeadgenApp> {
  const settings = resolveLeadgenSettings(options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? nullLogger;
  const store = openDomainStore(settings.database);
  try {
    if (options.autoSetup ?? true) await store.setup();

    const container = rootContainer.createChildContainer();
    container.register(DOMAIN_STORE, { useValue: store });
    container.register(LEADGEN_SETTINGS, { useValue: settings });
    container.register(CLOCK, { useValue: clock });
    container.register(LOGGER, { useValue: logger });
    for (const service of Object.values(SERVICE_CLASSES)) container.registerSingleton<object>(service);

    const schedule = buildLeadgenSchedule(
      settings,
      options.scheduleStore === undefined ? databaseScheduleStore(store, clock) : options.scheduleStore,
    );
    const schedules = new ScheduleRegistry({
      decorated: false,
      resolve: (type) => container.resolve(type),
    }).add(SCHEDULE_NAME, schedule);

    const config = leadgenMessengerConfig(settings);
    // Recorded in memory by every process; served at /metrics (app:serve, or a worker's --metrics-port).
    const metrics = createLeadgenMetrics(logger, options.metricsCountCacheTtl);
    const messenger = createMessenger({
      ...config,
      buses: { [DEFAULT_BUS_NAME]: { middleware: [metrics.metrics.middleware] } },
      transports: { ...config.transports, ...schedules.transports() },
      handlers: [...leadgenHandlers, ...schedulerHandlers],
      transportFactories: [
        new ScheduleTransportFactory(schedules),
        new PostgresTransportFactory(),
        new MysqlTransportFactory(),
        new SqliteTransportFactory(),
        new RedisTransportFactory(),
        new AmqpTransportFactory(),
        ...(options.transportFactories ?? []),
      ],
      container,
      clock,
      logger,
      // Spans once a tracer provider is registered (OTEL_EXPORTER_OTLP_ENDPOINT, see
      // telemetry/tracing.ts); until then it costs a check or two per message.
      instrumentation: messengerTracing(),
    });
    metrics.metrics.register(messenger);
    // Off by default; on, every worker of this process records into the database's history table.
    const recording = messageHistoryEnabled(options.messageHistory, options.env ?? process.env)
      ? leadgenMessageHistory(store, logger)
      : undefined;
    if (recording && (options.autoSetup ?? true)) await recording.history.setup();
    const stopRecording = recording?.recorder.register(messenger.events);

    const services = Object.fromEntries(
      Object.entries(SERVICE_CLASSES).map(([name, type]) => [name, container.resolve<object>(type)]),
    ) as unknown as LeadgenServices;

    let closed: Promise<void> | undefined;
    return {
      settings,
      messenger,
      bus: messenger.bus,
      schedules,
      schedule,
      container,
      store,
      services,
      clock,
      logger,
      metrics,
      history: recording?.history,
      async setup() {
        await store.setup();
        await recording?.history.setup();
        await messenger.setup();
      },
      close() {
        closed ??= (async () => {
          try {
            stopRecording?.();
            await recording?.recorder.flush();
            await messenger.close();
          } finally {
            try {
              await metrics.shutdown();
            } finally {
              await store.close();
            }
          }
        })();
        return closed;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
