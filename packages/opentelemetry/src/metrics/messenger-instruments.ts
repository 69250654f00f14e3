import type { Counter, Histogram, Meter, UpDownCounter } from "@opentelemetry/api";
import { METRIC } from "./metric-names.js";

/** Seconds; buckets from 5 ms to 5 minutes, for handling times and time spent waiting in a queue. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The synchronous instruments; the gauges are observed by `TransportGauges`. */
export interface MessengerInstruments {
  readonly dispatched: Counter;
  readonly sent: Counter;
  readonly received: Counter;
  readonly handled: Counter;
  readonly failed: Counter;
  readonly retried: Counter;
  readonly sentToFailureTransport: Counter;
  readonly handlingDuration: Histogram;
  readonly sendToHandleDuration: Histogram;
  readonly rateLimiterWaits: Counter;
  readonly rateLimiterWaitDuration: Counter;
  readonly runningWorkers: UpDownCounter;
}

export function createMessengerInstruments(meter: Meter): MessengerInstruments {
  const messages = (name: string, description: string) =>
    meter.createCounter(name, { description, unit: "{message}" });
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  return {
    dispatched: messages(METRIC.dispatched, "Messages dispatched on a bus by the application."),
    sent: messages(METRIC.sent, "Messages sent to a transport by a bus."),
    received: messages(METRIC.received, "Messages a worker received from a transport."),
    handled: messages(METRIC.handled, "Messages a worker handled successfully."),
    failed: messages(METRIC.failed, "Messages whose handling failed in a worker (retried or not)."),
    retried: messages(METRIC.retried, "Retry copies of failed messages sent back to their transport."),
    sentToFailureTransport: messages(
      METRIC.sentToFailureTransport,
      "Failed messages that will not be retried, sent to a failure transport.",
    ),
    handlingDuration: seconds(
      METRIC.handlingDuration,
      "How long a worker's bus took to handle a received message.",
    ),
    sendToHandleDuration: seconds(
      METRIC.sendToHandleDuration,
      "Time from the first send of a message to the start of its first handling by a worker.",
    ),
    rateLimiterWaits: meter.createCounter(METRIC.rateLimiterWaits, {
      description: "Times a transport's rate limiter made a worker wait.",
      unit: "{wait}",
    }),
    rateLimiterWaitDuration: meter.createCounter(METRIC.rateLimiterWaitDuration, {
      description: "Total time workers waited for a transport's rate limiter.",
      unit: "s",
    }),
    runningWorkers: meter.createUpDownCounter(METRIC.runningWorkers, {
      description: "Workers running in this process.",
      unit: "{worker}",
    }),
  };
}
