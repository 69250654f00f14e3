/** The multiplier retry strategy's settings (`retry_strategy`), in milliseconds. */
export interface RetryStrategyConfig {
  /** @defaultValue 3 */
  readonly maxRetries?: number;
  /** @defaultValue 1000 */
  readonly delay?: number;
  /** @defaultValue 2 */
  readonly multiplier?: number;
  /** 0 means no cap. @defaultValue 0 */
  readonly maxDelay?: number;
  /** Random spread of each delay, 0 to 1. @defaultValue 0.1 */
  readonly jitter?: number;
  /** A custom strategy object used instead of the multiplier one. */
  readonly service?: object;
}
