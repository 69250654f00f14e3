export {
  isSharedRateLimiterFactory,
  type RateLimiter,
  type SharedRateLimiterFactory,
} from "./rate-limiter.js";
export { TokenBucketRateLimiter } from "./token-bucket-rate-limiter.js";
