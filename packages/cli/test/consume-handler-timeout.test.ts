import { afterAll, describe, expect, it, vi } from "vitest";
import { CliBackend, pgUp } from "./support/cli.js";

const WAIT = 30_000;

describe("messenger:consume --handler-timeout on PostgreSQL", { timeout: 3 * WAIT }, () => {
  const cli = new CliBackend("postgres", "handler_timeout");

  afterAll(() => cli.dispose());

  it.skipIf(!pgUp)(
    "fails a hung handler that ignores its signal, goes on with the next message, retries it, then moves it to the failure transport",
    async () => {
      expect((await cli.run(["app:dispatch", "1", "2", "--hang=1"])).code).toBe(0);
      // Concurrency 1: job 2 runs only if the hung job's slot was given back.
      const worker = cli.start(["messenger:consume", "async", "--handler-timeout=0.5", "-vv"]);
      try {
        await worker.waitFor(/^handled 2$/, WAIT);
        // The retry strategy (maxRetries 1) tries the hung job a second time.
        await worker.waitFor(/^hanging 1$/, WAIT, 2);
        await vi.waitFor(() => expect(worker.stderr).toMatch(/sent to the failure transport "failed"/), {
          timeout: WAIT,
          interval: 100,
        });
      } finally {
        worker.kill("SIGTERM");
      }
      const { code } = await worker.exited;
      expect(code, worker.stderr).toBe(0);
      expect(worker.stderr).toContain("Handler handleJob did not finish within its timeout of 500 ms.");
      expect(worker.matching(/^hanging 1$/)).toHaveLength(2);
    },
  );
});
