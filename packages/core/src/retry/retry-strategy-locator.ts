import { createRetryStrategy } from "./create-retry-strategy.js";
import type { RetryStrategy } from "./retry-strategy.js";
import type { RetryStrategyConfig } from "./retry-strategy-config.js";

/** What the locator needs from a `Messenger`: its transport names and their retry config. */
export interface RetryStrategySource {
  readonly transportNames: readonly string[];
  getTransportConfig(name: string): { readonly retryStrategy: RetryStrategyConfig };
}

/**
 * The retry strategy of each transport, by name: the retry listener asks it with the name of
 * the transport a failed message was received from.
 *
 * Every strategy is built up front, so a bad `retryStrategy` config fails when the worker starts
 * instead of at the first failed message, in the middle of the failure path.
 */
export class RetryStrategyLocator {
  readonly #strategies = new Map<string, RetryStrategy>();

  constructor(source: RetryStrategySource) {
    for (const name of source.transportNames) {
      const config = source.getTransportConfig(name).retryStrategy;
      this.#strategies.set(name, createRetryStrategy(config, `transport "${name}" retryStrategy`));
    }
  }

  /** The strategy of a configured transport; undefined for any other name (no retries there). */
  get(transportName: string): RetryStrategy | undefined {
    return this.#strategies.get(transportName);
  }

  /** `get` as a free function, the shape the failure listeners take. */
  readonly lookup = (transportName: string): RetryStrategy | undefined => this.get(transportName);
}
