import type { MessageBus } from "../bus/message-bus.js";
import type { Clock } from "../clock/clock.js";
import type { Logger } from "../logger/logger.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";

/** How a worker consumes. Every duration is in milliseconds. */
export interface WorkerOptions {
  /** Pause after a round in which no receiver had a message. @defaultValue 1000 */
  readonly sleep?: number;
  /** Ask queue-aware receivers for these queues only (`--queues`). */
  readonly queues?: readonly string[];
  /** Handlers running at once; each message is acknowledged when its own handlers finish. @defaultValue 1 */
  readonly concurrency?: number;
  /**
   * Keepalive interval for receivers that support it. `false` turns keepalive off. By default a
   * receiver that states its redelivery timeout gets a keepalive every third of it.
   */
  readonly keepaliveInterval?: number | false;
  /** Limiters by transport name; the worker waits for a permit before handling each message. */
  readonly rateLimiters?: ReadonlyMap<string, RateLimiter>;
  /** Messages held by batch handlers are flushed when the oldest waited this long, even while busy. @defaultValue 30000 */
  readonly batchFlushInterval?: number;
  /** Dispatch every message on this bus instead of the one named by its bus-name stamp (`--bus`). */
  readonly bus?: MessageBus;
  readonly logger?: Logger;
  readonly clock?: Clock;
}
