import type { MessageBus } from "../bus/message-bus.js";
import type { Clock } from "../clock/clock.js";
import type { ConcurrencyLimiter } from "../concurrency-limit/concurrency-limiter.js";
import type { Logger } from "../logger/logger.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";

/** How a worker consumes. Every duration is in milliseconds. */
export interface WorkerOptions {
  /**
   * Pause after a round in which no receiver had a message; also how often the worker reads which
   * transports are paused (`messenger:pause`). @defaultValue 1000
   */
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
  /**
   * Shared concurrency limiters by transport name: the worker takes a slot before it fetches from
   * the transport and before it starts each message, and frees it when the message's handlers
   * finish; while every slot is held elsewhere it leaves the transport alone and asks again.
   */
  readonly concurrencyLimiters?: ReadonlyMap<string, ConcurrencyLimiter>;
  /** Messages held by batch handlers are flushed when the oldest waited this long, even while busy. @defaultValue 30000 */
  readonly batchFlushInterval?: number;
  /** Dispatch every message on this bus instead of the one named by its bus-name stamp (`--bus`). */
  readonly bus?: MessageBus;
  /**
   * After `stop()` (a stop condition, a signal, `messenger:stop-workers`), how long the worker may
   * take to finish the handlers in flight and the acknowledgements on their way. Then it aborts:
   * the messages still in handlers stay claimed and are delivered again after the transport's
   * redelivery timeout, each one is logged at error level, and `run()` rejects with
   * `WorkerStopTimeoutError`. `undefined` waits for as long as they take. @defaultValue undefined
   */
  readonly gracePeriod?: number;
  /**
   * How long a transport may keep failing (every `get()`, or every `ack()`/`reject()`, without a
   * single success) before the worker stops and `run()` rejects with `TransportOutageLimitError`,
   * so that a supervisor restarts the worker and alerts. Checked at each failed attempt.
   * `undefined` waits for the transport forever. @defaultValue undefined
   */
  readonly outageLimit?: number;
  /**
   * While a transport keeps failing, how often the worker reports it again (log at error level,
   * `WorkerTransportFailedEvent`) after the first failure. @defaultValue 30000
   */
  readonly outageReportInterval?: number;
  /**
   * How long each handler of a received message may run (`--handler-timeout`): one number for
   * every transport, or one per transport name (a transport the map does not name has none, and
   * names of transports this worker does not consume are ignored, so that one map can serve every
   * worker). A handler's own `timeout` and its message class's
   * `handlerTimeout` come first. One that overruns fails with `HandlerTimeoutError`, its signal is
   * aborted, and its slot is free again at once. @defaultValue undefined (no timeout)
   */
  readonly handlerTimeout?: number | Readonly<Record<string, number>>;
  readonly logger?: Logger;
  readonly clock?: Clock;
}
