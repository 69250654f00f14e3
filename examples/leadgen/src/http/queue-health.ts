import { isMessageCountAware, isStoredMessageCountAware } from "@messenger-ts/core";
import type { LeadgenApp } from "../app/leadgen-app.js";
import { FAILURE_TRANSPORT, PRIORITY_ORDER } from "../config/messenger.js";
import type { HealthThresholds } from "./health-thresholds.js";
import { oldestWaitingAge } from "./oldest-waiting-age.js";

/** One queue in the health report. */
export interface QueueHealth {
  /**
   * What `messenger:stats` counts: on the SQL transports the messages a worker could take now (due
   * and not claimed), on Redis every message the queue holds (waiting, delayed and in progress).
   */
  readonly depth: number | null;
  /** Seconds the oldest due message has waited for a worker; null: none waiting (or not known). */
  readonly oldestWaitingSeconds: number | null;
}

/** The body of `GET /health`. */
export interface HealthReport {
  readonly status: "ok" | "unhealthy";
  readonly checkedAt: string;
  readonly transports: Readonly<Record<string, QueueHealth>>;
  /** Messages in the failure transport. */
  readonly failed: number | null;
  readonly thresholds: HealthThresholds;
  /** Each threshold crossed, in words; empty when healthy. */
  readonly problems: readonly string[];
}

/**
 * Reads the queues' depths, the age of the oldest waiting message in each and the failure
 * transport's count, and compares them with the thresholds. An error reading any of them (the
 * database is down) propagates: the caller reports it as unhealthy.
 */
export async function checkQueueHealth(app: LeadgenApp, thresholds: HealthThresholds): Promise<HealthReport> {
  const now = app.clock.now();
  // The SQL backends are asked on the domain store's connection only when the queues share its database.
  const sharedStore = app.settings.transportDsn.startsWith("doctrine://") ? app.store : undefined;
  const transports: Record<string, QueueHealth> = {};
  const problems: string[] = [];
  for (const name of PRIORITY_ORDER) {
    const transport = app.messenger.getTransport(name);
    // Counted first: a transport's first use creates its table, which the age query reads.
    const depth = isMessageCountAware(transport) ? await transport.getMessageCount() : null;
    const age = await oldestWaitingAge(transport, now, sharedStore);
    const oldestWaitingSeconds = age == null ? null : Math.round(age / 100) / 10;
    transports[name] = { depth, oldestWaitingSeconds };
    if (depth !== null && depth > thresholds.maxDepth) {
      problems.push(`${name} holds ${messages(depth)} (more than ${thresholds.maxDepth})`);
    }
    if (oldestWaitingSeconds !== null && oldestWaitingSeconds > thresholds.maxOldestAgeSeconds) {
      problems.push(
        `${name}: the oldest message has waited ${oldestWaitingSeconds} s (more than ${thresholds.maxOldestAgeSeconds} s)`,
      );
    }
  }
  const failureTransport = app.messenger.getTransport(FAILURE_TRANSPORT);
  // Every message it holds: one retried from it and failed again waits there delayed, which
  // getMessageCount() (what a worker could take now) leaves out.
  const failed = isStoredMessageCountAware(failureTransport)
    ? await failureTransport.getStoredMessageCount()
    : isMessageCountAware(failureTransport)
      ? await failureTransport.getMessageCount()
      : null;
  if (failed !== null && failed > thresholds.maxFailed) {
    problems.push(`${FAILURE_TRANSPORT} holds ${messages(failed)} (more than ${thresholds.maxFailed})`);
  }
  return {
    status: problems.length === 0 ? "ok" : "unhealthy",
    checkedAt: new Date(now).toISOString(),
    transports,
    failed,
    thresholds,
    problems,
  };
}

function messages(n: number): string {
  return `${n} message${n === 1 ? "" : "s"}`;
}
