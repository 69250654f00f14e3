import { LogicError, type MessageClass, messageTypes } from "@messenger-ts/core";
import {
  type CheckpointStore,
  type LockStore,
  RecurringMessage,
  RedispatchMessage,
  Schedule,
} from "@messenger-ts/scheduler";
import type { DiscoveryBatch, LeadgenSettings } from "../app/leadgen-settings.js";
import { CalculateBenchmarksMessage } from "../messages/calculate-benchmarks-message.js";
import { CheckSslCertificatesMessage } from "../messages/check-ssl-certificates-message.js";
import { CleanUpOldDataMessage } from "../messages/clean-up-old-data-message.js";
import { DiscoverLeadsMessage } from "../messages/discover-leads-message.js";
import { ExpireProposalsMessage } from "../messages/expire-proposals-message.js";
import { ROUTING } from "./messenger.js";

/** The schedule's name: its worker consumes `scheduler_leadgen`. */
export const SCHEDULE_NAME = "leadgen";
export const SCHEDULE_TRANSPORT = `scheduler_${SCHEDULE_NAME}`;

/** When each task runs, in the schedule's time zone (Europe/Prague by default). */
export const SCHEDULE_CRONS = {
  /** Daily at 01:00. */
  expireProposals: "0 1 * * *",
  /** Daily at 03:00. */
  checkCertificates: "0 3 * * *",
  /** Sundays at 04:00. */
  cleanUpOldData: "0 4 * * 0",
  /** Mondays at 05:00, once the previous week is complete (the seed's weekly benchmark calculation). */
  calculateBenchmarks: "0 5 * * 1",
} as const;

/** Settings of the tasks' messages. */
export const CERTIFICATE_WARN_DAYS = 14;
export const DATA_RETENTION_DAYS = 180;

/**
 * The schedule: the seed's weekly benchmarks plus the four tasks it left undone (daily proposal
 * expiry, daily certificate check, weekly clean-up, batch discovery on a configurable cron).
 *
 * Each run is sent on to the queue its message is routed to (`RedispatchMessage`), so the
 * scheduler worker only emits runs while the priority workers do the work, with their retry
 * strategies and the failure transport. With a store, the schedule is locked (several workers may
 * consume it, one emits) and stateful; after downtime it catches up with one run per task.
 */
export function buildLeadgenSchedule(
  settings: Pick<LeadgenSettings, "timezone" | "discoveryCron" | "discoveryBatches">,
  store: (LockStore & CheckpointStore) | null,
): Schedule {
  const cron = (expression: string, message: object) =>
    RecurringMessage.cron(expression, redispatch(message), { timezone: settings.timezone });
  const schedule = new Schedule().add(
    cron(SCHEDULE_CRONS.expireProposals, new ExpireProposalsMessage()),
    cron(SCHEDULE_CRONS.checkCertificates, new CheckSslCertificatesMessage(CERTIFICATE_WARN_DAYS)),
    cron(SCHEDULE_CRONS.cleanUpOldData, new CleanUpOldDataMessage(DATA_RETENTION_DAYS)),
    cron(SCHEDULE_CRONS.calculateBenchmarks, new CalculateBenchmarksMessage("week")),
  );
  if (settings.discoveryCron !== null) {
    for (const batch of settings.discoveryBatches)
      schedule.add(cron(settings.discoveryCron, discovery(batch)));
  }
  if (store) schedule.lock(store).stateful(store).processOnlyLastMissedRun();
  return schedule;
}

function discovery(batch: DiscoveryBatch): DiscoverLeadsMessage {
  return new DiscoverLeadsMessage(batch.source, batch.query, batch.limit);
}

/** Wraps a message to go on to the transport ROUTING names for it. */
function redispatch(message: object): RedispatchMessage {
  const typeName = messageTypes.typeNameOf(message.constructor as MessageClass);
  const transport = typeName === undefined ? undefined : (ROUTING as Record<string, string>)[typeName];
  if (transport === undefined) {
    throw new LogicError(
      `No route for scheduled message ${message.constructor.name}: add its type name to ROUTING.`,
      {
        code: "UNROUTED_SCHEDULED_MESSAGE",
      },
    );
  }
  return new RedispatchMessage(message, transport);
}
