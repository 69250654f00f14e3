import { pollUntil, sleep, wallNow } from "../clock.js";
import type { Measurement, QueueScenario } from "../queue-scenario.js";
import { withProducer } from "../queue-scenario.js";
import { summarize } from "../summarize.js";
import { RETRIES } from "../systems/system.js";
import { WorkerHandle } from "../worker-handle.js";

const EXPECTED_ATTEMPTS = RETRIES + 1;
const FAIL_TIMEOUT_MS = 60_000;
const AFTER_MS = 3_000;
/** With `--quick`: still longer than every system's 100 ms retry delay. */
const QUICK_AFTER_MS = 500;

const s = (value: number) => value.toFixed(1);

/** One job whose handler always throws: how long until the system reports it failed, and after how many attempts. */
export const retry: QueueScenario = {
  name: "retry",
  description:
    "The retry-then-fail path: one always-failing job with 2 retries, until the system reports it failed.",
  defaultN: 1,
  quickOnce: true,
  method: (_, quick) =>
    `retry: one job with ${RETRIES} retries (${EXPECTED_ATTEMPTS} attempts, each system's shortest retry delay) and a handler that always throws; ` +
    `polled every 20 ms until the system reports its failed/dead state (for messenger-ts: the message is in the failure transport), then ${(quick ? QUICK_AFTER_MS : AFTER_MS) / 1000} s more to catch extra attempts`,
  rows: () => [
    {
      label: `retry-then-fail (${RETRIES} retries)`,
      metric: "retry.seconds",
      better: "lower",
      digits: 1,
      cell(measurements) {
        const seconds = measurements.map((m) => m.values["retry.seconds"]).filter((v) => v !== undefined);
        const attempts = measurements.map((m) => m.values["retry.attempts"]).filter((v) => v !== undefined);
        if (attempts.length === 0) return "-";
        const a = summarize(attempts);
        const ok =
          seconds.length === measurements.length &&
          a.min === EXPECTED_ATTEMPTS &&
          a.max === EXPECTED_ATTEMPTS;
        const count = a.min === a.max ? `${a.min}` : `${a.min}–${a.max}`;
        if (seconds.length === 0) return `WRONG: ${count} attempts, never reported failed`;
        const t = summarize(seconds);
        return `${ok ? "OK" : "WRONG"}: ${count} attempts, 'failed' after ${s(t.median)} s (${s(t.min)}–${s(t.max)})`;
      },
    },
  ],
  async measure(system, { quick }): Promise<Measurement> {
    return withProducer(system, async (producer) => {
      const worker = await WorkerHandle.start(
        { system: system.name, concurrency: 1, reportEach: true, expect: 0, sampleEvery: 0 },
        system.inProcess ?? false,
      );
      const problems: string[] = [];
      const values: Record<string, number> = {};
      try {
        const start = wallNow();
        await producer.enqueue({ id: 0, fail: true });
        const failed = await pollUntil(() => producer.hasFailed(), FAIL_TIMEOUT_MS, 20);
        if (failed) values["retry.seconds"] = (wallNow() - start) / 1000;
        else problems.push(`not reported failed within ${FAIL_TIMEOUT_MS / 1000} s`);
        await sleep(quick ? QUICK_AFTER_MS : AFTER_MS);
      } finally {
        await worker.stop();
      }
      const attempts = worker.events.filter((e) => e.type === "handled").length;
      values["retry.attempts"] = attempts;
      if (attempts !== EXPECTED_ATTEMPTS)
        problems.push(`${attempts} attempts, expected ${EXPECTED_ATTEMPTS}`);
      if (worker.error) problems.push(worker.error);
      return { values, problems };
    });
  },
};
