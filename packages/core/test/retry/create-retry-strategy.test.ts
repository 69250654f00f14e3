import { describe, expect, it } from "vitest";
import {
  createRetryStrategy,
  DEFAULT_RETRY_STRATEGY_CONFIG,
  RetryStrategyLocator,
} from "../../src/entry-points/worker.js";
import {
  createMessenger,
  type Envelope,
  InvalidArgumentError,
  type MessengerConfig,
  MultiplierRetryStrategy,
  type RetryStrategy,
} from "../../src/index.js";
import { RecordingTransportFactory } from "../fixtures/recording-transport.js";

const custom: RetryStrategy = {
  isRetryable: (_envelope: Envelope) => true,
  getWaitingTime: () => 42,
};

describe("createRetryStrategy", () => {
  it("builds a multiplier strategy with the framework defaults (multiplier 2, not the class's 1)", () => {
    const strategy = createRetryStrategy({});
    expect(strategy).toBeInstanceOf(MultiplierRetryStrategy);
    expect(strategy).toMatchObject({ maxRetries: 3, delay: 1000, multiplier: 2, maxDelay: 0, jitter: 0.1 });
    expect(DEFAULT_RETRY_STRATEGY_CONFIG).toEqual({
      maxRetries: 3,
      delay: 1000,
      multiplier: 2,
      maxDelay: 0,
      jitter: 0.1,
    });
    expect(Object.isFrozen(DEFAULT_RETRY_STRATEGY_CONFIG)).toBe(true);
    expect(createRetryStrategy()).toMatchObject({ multiplier: 2 });
  });

  it("takes the given options and defaults the others", () => {
    expect(createRetryStrategy({ maxRetries: 5, maxDelay: 60_000 })).toMatchObject({
      maxRetries: 5,
      delay: 1000,
      multiplier: 2,
      maxDelay: 60_000,
      jitter: 0.1,
    });
  });

  it("uses a service as is", () => {
    expect(createRetryStrategy({ service: custom })).toBe(custom);
  });

  it("refuses a service combined with numeric options, as Symfony does", () => {
    expect(() => createRetryStrategy({ service: custom, maxRetries: 2, delay: 10 })).toThrowError(
      '"service" cannot be combined with "maxRetries", "delay"',
    );
  });

  it("refuses a service that is not a retry strategy", () => {
    expect(() => createRetryStrategy({ service: { isRetryable: () => true } })).toThrowError(
      /retryStrategy\.service must be a retry strategy: an object with isRetryable\(envelope, error\) and getWaitingTime/,
    );
  });

  it("refuses unknown options, listing the allowed ones", () => {
    expect(() => createRetryStrategy({ max_retries: 3 } as never)).toThrowError(
      'Unknown retryStrategy option "max_retries"; allowed: maxRetries, delay, multiplier, maxDelay, jitter, service.',
    );
  });

  it("names where the bad value was configured", () => {
    const attempt = () => createRetryStrategy({ multiplier: 0 }, 'transport "async" retryStrategy');
    expect(attempt).toThrowError(InvalidArgumentError);
    expect(attempt).toThrowError(
      'transport "async" retryStrategy: Retry strategy option "multiplier" must be a finite number >= 1, got 0.',
    );
  });
});

describe("RetryStrategyLocator", () => {
  function messenger(transports: MessengerConfig["transports"]) {
    return createMessenger({
      handlers: [],
      transportFactories: [new RecordingTransportFactory()],
      transports,
    });
  }

  it("gives each configured transport its own strategy, the same instance every time", () => {
    const locator = new RetryStrategyLocator(
      messenger({
        async: { dsn: "record://", retryStrategy: { maxRetries: 5, delay: 200 } },
        custom: { dsn: "record://", retryStrategy: { service: custom } },
        failed: "record://",
      }),
    );
    expect(locator.get("async")).toMatchObject({ maxRetries: 5, delay: 200, multiplier: 2 });
    expect(locator.get("failed")).toMatchObject({ maxRetries: 3, delay: 1000, multiplier: 2 });
    expect(locator.get("custom")).toBe(custom);
    expect(locator.get("async")).toBe(locator.get("async"));
    expect(locator.lookup("async")).toBe(locator.get("async"));
  });

  it("has none for a transport that is not configured", () => {
    const locator = new RetryStrategyLocator(messenger({ async: "record://" }));
    expect(locator.get("schedule_default")).toBeUndefined();
  });

  it("fails at construction, naming the transport, when a retry config is bad", () => {
    const source = messenger({ async: { dsn: "record://", retryStrategy: { jitter: 2 } } });
    expect(() => new RetryStrategyLocator(source)).toThrowError(
      'transport "async" retryStrategy: Retry strategy option "jitter" must be a number from 0 to 1, got 2.',
    );
  });
});
