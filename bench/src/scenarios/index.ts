import type { QueueScenario } from "../queue-scenario.js";
import type { Scenario } from "../scenario.js";
import { backlog } from "./backlog.js";
import { bulkDispatch } from "./bulk-dispatch.js";
import { cpu } from "./cpu.js";
import { dispatch } from "./dispatch.js";
import { enqueue } from "./enqueue.js";
import { ioHandler } from "./io-handler.js";
import { latency } from "./latency.js";
import { memory } from "./memory.js";
import { payload } from "./payload.js";
import { processJobs } from "./process.js";
import { retry } from "./retry.js";
import { scale } from "./scale.js";

/** In-process scenarios, each with its own table, in the order `npm run bench` runs them. */
export const scenarios: readonly Scenario[] = [dispatch, bulkDispatch];

/** The side-by-side scenarios against the peer job queues (one table, rounds across all of them). */
export const queueScenarios: readonly QueueScenario[] = [
  enqueue,
  processJobs,
  latency,
  retry,
  memory,
  ioHandler,
  payload,
  backlog,
  cpu,
  scale,
];
