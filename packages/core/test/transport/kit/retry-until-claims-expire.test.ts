import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/transport-error.js";
import type { Logger } from "../../../src/logger/logger.js";
import { retryUntilClaimsExpire } from "../../../src/transport/kit/index.js";

class ConnectionLost extends Error {}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn(_context, message) {
      warnings.push(message);
    },
    error() {},
  };
}

describe("retryUntilClaimsExpire", () => {
  it("retries a lost connection and succeeds without a warning", async () => {
    let calls = 0;
    const logger = recordingLogger();
    await retryUntilClaimsExpire(
      async () => {
        calls++;
        if (calls < 3) throw new ConnectionLost("gone");
      },
      [{ id: "1", deadline: Number.POSITIVE_INFINITY }],
      {
        label: 'transport "jobs"',
        isConnectionFailure: (e) => e instanceof ConnectionLost,
        logger,
        sleep: async () => {},
      },
    );
    expect(calls).toBe(3);
    expect(logger.warnings).toEqual([]);
  });

  it("drops the rows whose claim expired and rejects with a TransportError whose cause is the connection failure", async () => {
    let clock = 0;
    const removed: string[][] = [];
    const lost = new ConnectionLost("connection terminated");
    const logger = recordingLogger();
    const outcome = retryUntilClaimsExpire(
      async (ids) => {
        removed.push(ids);
        if (removed.length === 1) throw lost;
      },
      [
        { id: "soon", deadline: 10 },
        { id: "later", deadline: 10_000 },
      ],
      {
        label: 'transport "jobs"',
        isConnectionFailure: (e) => e instanceof ConnectionLost,
        logger,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    );
    const error = await outcome.catch((e: unknown) => e);
    expect(removed).toEqual([["soon", "later"], ["later"]]);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toContain("1 acknowledgement(s) not made");
    expect((error as TransportError).cause).toBe(lost);
    expect(logger.warnings).toHaveLength(1);
  });

  it("does not retry a failure that is not the connection's", async () => {
    let calls = 0;
    const missing = new Error('relation "jobs" does not exist');
    const error = await retryUntilClaimsExpire(
      async () => {
        calls++;
        throw missing;
      },
      [{ id: "1", deadline: Number.POSITIVE_INFINITY }],
      {
        label: 'transport "jobs"',
        isConnectionFailure: () => false,
        logger: recordingLogger(),
        sleep: async () => {},
      },
    ).catch((e: unknown) => e);
    expect(error).toBe(missing);
    expect(calls).toBe(1);
  });
});
