import { InvalidArgumentError } from "@messenger-ts/core";

/** When `GET /health` turns 503: any one of them crossed is enough. */
export interface HealthThresholds {
  /** Most messages one queue may hold (waiting, delayed and in progress). */
  readonly maxDepth: number;
  /** Longest a due message may wait for a worker, in seconds. */
  readonly maxOldestAgeSeconds: number;
  /** Most messages the failure transport may hold. */
  readonly maxFailed: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  maxDepth: 1000,
  maxOldestAgeSeconds: 300,
  maxFailed: 50,
};

/** The environment variable of each threshold. */
export const HEALTH_THRESHOLD_VARIABLES = {
  maxDepth: "LEADGEN_HEALTH_MAX_DEPTH",
  maxOldestAgeSeconds: "LEADGEN_HEALTH_MAX_AGE",
  maxFailed: "LEADGEN_HEALTH_MAX_FAILED",
} as const satisfies Record<keyof HealthThresholds, string>;

/** Given values, then the environment variables, then the defaults; each a number >= 0. */
export function resolveHealthThresholds(
  given: Partial<HealthThresholds> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): HealthThresholds {
  const resolve = (key: keyof HealthThresholds): number => {
    const variable = HEALTH_THRESHOLD_VARIABLES[key];
    const raw = given[key] ?? env[variable];
    if (raw === undefined || raw === "") return DEFAULT_HEALTH_THRESHOLDS[key];
    const value = typeof raw === "number" ? raw : Number(raw);
    if (!Number.isFinite(value) || value < 0 || (typeof raw === "string" && raw.trim() === "")) {
      throw new InvalidArgumentError(
        `Invalid health threshold ${key} (${variable}) ${JSON.stringify(raw)}: expected a number >= 0.`,
        { code: "INVALID_HEALTH_THRESHOLD" },
      );
    }
    return value;
  };
  return {
    maxDepth: resolve("maxDepth"),
    maxOldestAgeSeconds: resolve("maxOldestAgeSeconds"),
    maxFailed: resolve("maxFailed"),
  };
}
