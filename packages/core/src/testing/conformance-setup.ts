import type { Clock } from "../clock/clock.js";
import type { Transport } from "../transport/transport.js";

/**
 * What a transport package gives the conformance suite for each test: a fresh, empty transport (its
 * own table, stream or key prefix) and the hooks the suite needs to reach behaviour that a transport
 * alone cannot show. Every optional hook left out skips the tests that need it.
 */
export interface TransportConformanceSetup {
  /** The transport under test, empty. */
  readonly transport: Transport;
  /**
   * The clock the transport was built with. A `FakeClock` makes the delay tests advance time
   * instead of waiting; any other clock, or none, means short real waits.
   */
  readonly clock?: Clock;
  /** Runs after each test: drop the table or keys, close connections. */
  readonly cleanup?: () => Promise<void>;
  /**
   * Lets `ms` milliseconds pass as the transport's claim bookkeeping sees them: advance the fake
   * clock it was built with, or really wait. With `redeliveryTimeout`, enables the redelivery and
   * keepalive-extends-claim tests.
   */
  readonly redeliverAfter?: (ms: number) => Promise<void>;
  /** The transport's redelivery timeout in milliseconds: a claimed message unacked this long is delivered again. */
  readonly redeliveryTimeout?: number;
  /**
   * Stores a raw message (body and headers as the serializer would have produced them) straight in
   * the backend, bypassing `send()`. Enables the decode-failure test.
   */
  readonly injectRaw?: (body: string, headers: Readonly<Record<string, string>>) => Promise<void>;
  /**
   * The delivery limit the transport was built with (its `deliveryLimit` option): the one the
   * context asked for, else the transport's default. Left out, the delivery limit tests skip: the
   * transport does not count deliveries.
   */
  readonly deliveryLimit?: number;
  /**
   * Lets `ms` milliseconds pass for due times and deduplication deadlines (not for claims): move
   * them back in the backend, or advance the fake clock. Without it, and without a `FakeClock`,
   * the deduplication tests really wait.
   */
  readonly letTimePass?: (ms: number) => Promise<void>;
  /**
   * Another transport object on the same queue with a connection of its own (another producer).
   * The concurrent-producers deduplication test spreads its sends over several of them.
   */
  readonly anotherProducer?: () => Promise<Transport>;
}

/** What a test asks of the transport `setup` builds for it, beyond a fresh, empty one. */
export interface TransportConformanceContext {
  /**
   * Build the transport with this `deliveryLimit` (DSN `delivery_limit`), and report it back as
   * the setup's `deliveryLimit`. Undefined: the transport's default.
   */
  readonly deliveryLimit?: number;
}

/** What the transport promises beyond the base contract. */
export interface TransportConformanceOptions {
  /** The transport honours delay stamps. @defaultValue true */
  readonly supportsDelay?: boolean;
  /** The delay, in milliseconds, of the delay test when the setup gives no FakeClock. @defaultValue 250 */
  readonly realDelay?: number;
  /** Due messages come out oldest first. @defaultValue true */
  readonly ordered?: boolean;
  /**
   * A ListableReceiver's listing holds delayed messages and messages claimed by a consumer, and
   * pages from a message removed meanwhile. False for AMQP, which can list only the messages ready
   * in its queues: the paging test is skipped. @defaultValue true
   */
  readonly listsClaimedAndDelayed?: boolean;
  /**
   * The transport honours `DeduplicateStamp` atomically (a `DeduplicatingSender`): the
   * deduplication tests run. @defaultValue false
   */
  readonly deduplication?: boolean;
  /**
   * The transport claims by `PriorityStamp` first (a `PriorityAwareReceiver`): the priority tests
   * run. @defaultValue false
   */
  readonly priority?: boolean;
}
