import { fill, type Measurement, type QueueScenario, withProducer } from "../queue-scenario.js";
import { drain } from "./drain.js";

/** The "I/O" every handler call awaits: a timer, so the handler costs the worker no CPU. */
export const IO_HANDLER_MS = 10;
const CONCURRENCIES = [50, 200] as const;

/** The most a worker can do at this concurrency: every slot busy all the time. */
export const idealJobsPerSecond = (concurrency: number): number => (concurrency * 1000) / IO_HANDLER_MS;

/**
 * Handlers that wait on I/O, as real ones do: each call awaits a 10 ms timer. The worker then
 * needs its concurrency to keep up; the figure is how close it gets to concurrency / 10 ms.
 */
export const ioHandler: QueueScenario = {
  name: "io-handler",
  description: `Real handlers: each handler call awaits ${IO_HANDLER_MS} ms of "I/O" (a timer), concurrency ${CONCURRENCIES.join(" and ")}.`,
  defaultN: 20_000,
  // Three handler waves at concurrency 200, in the first round only: pg-boss runs a batch of up to
  // 500 in order (5 s of 10 ms handlers) whatever the size, which took a third of `--quick`'s time.
  quickN: 600,
  quickOnce: true,
  method: (n) =>
    `io-handler: ${n.toLocaleString("en-US")} jobs pre-enqueued in bulk, then one worker child process whose handler awaits a ${IO_HANDLER_MS} ms timer; ` +
    `jobs/s = jobs / (last handler call - first handler call + ${IO_HANDLER_MS} ms); ideal = concurrency / ${IO_HANDLER_MS} ms`,
  rows: (n) =>
    CONCURRENCIES.flatMap((c) => [
      {
        label: `process ${n} jobs, handler awaits ${IO_HANDLER_MS} ms, concurrency ${c}, jobs/s`,
        metric: `io.c${c}`,
        better: "higher" as const,
        digits: 0,
        target: { ratio: 1 },
      },
      {
        label: `↳ same, % of the ideal ${idealJobsPerSecond(c).toLocaleString("en-US")} jobs/s`,
        metric: `io.c${c}.ideal`,
        digits: 1,
        target: { atLeast: 90, unit: "%" },
      },
      {
        label: `↳ how long the handler's ${IO_HANDLER_MS} ms timer took, ms (mean)`,
        metric: `io.c${c}.timer`,
        digits: 2,
      },
      {
        label: "↳ % of what that timer allows (concurrency / its mean)",
        metric: `io.c${c}.timer-ideal`,
        digits: 1,
      },
    ]),
  async measure(system, { n, log }): Promise<Measurement> {
    const values: Record<string, number> = {};
    const problems: string[] = [];
    for (const concurrency of CONCURRENCIES) {
      await withProducer(system, async (producer) => {
        await fill(producer, n);
        const drained = await drain(system, { count: n, concurrency, handlerMs: IO_HANDLER_MS });
        values[`io.c${concurrency}`] = drained.rate;
        values[`io.c${concurrency}.ideal`] = (100 * drained.rate) / idealJobsPerSecond(concurrency);
        if (drained.timerMs !== undefined) {
          // On a busy machine the timer fires late for every system alike; this share is what the
          // worker itself loses, whatever the machine's load.
          values[`io.c${concurrency}.timer`] = drained.timerMs;
          values[`io.c${concurrency}.timer-ideal`] =
            (100 * drained.rate * drained.timerMs) / (concurrency * 1000);
        }
        problems.push(...drained.problems.map((p) => `concurrency ${concurrency}: ${p}`));
        log(
          `  concurrency ${concurrency}: ${Math.round(drained.rate)} jobs/s, ${values[`io.c${concurrency}.ideal`]!.toFixed(1)} % of ideal, timer ${drained.timerMs?.toFixed(2)} ms`,
        );
      });
    }
    return { values, problems };
  },
};
