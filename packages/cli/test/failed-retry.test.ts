import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli, tableLines } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

/** The handler stops throwing: what an operator has after fixing the bug. */
const HEALED = { FAILED_TEST_HEALED: "1" };

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:failed:retry on %s", CLI_TIMEOUT, (backend, up) => {
  const cli = new FailedCli(backend, `failed_retry_${backend}`);
  /** Message ids in "failed" by job number. */
  const id: Record<number, string> = {};
  /** The id of job 2's copy, back in "failed" (delayed by its retry strategy) after a failed retry. */
  let copyId: string | undefined;

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    await cli.ok(["app:dispatch", "--fail", "1", "2", "3", "4"]);
    await cli.ok(["messenger:consume", "async", "--limit=8"]);
    for (const message of (await cli.list()).messages) {
      id[Number(message.error!.message.split(" ")[1])] = message.id;
    }
    expect(Object.keys(id).sort()).toEqual(["1", "2", "3", "4"]);
  }, 60_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)(
    "retries a message by id through the bus: handled, then gone from the failure transport",
    async () => {
      const result = await cli.run(["messenger:failed:retry", id[1]!, "--force"], HEALED);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("handled 1\n");
      expect(result.stderr).toContain("There are 4 messages pending in the failure transport.");
      expect(result.stderr).toContain("// To retry all the messages, run messenger:consume failed");
      expect(result.stderr).toContain(`[OK] Message with id ${id[1]} was handled successfully.`);
      expect(result.stderr).toContain("[OK] All done!");
      // The jobs failed in whichever order the worker got to them: compare as sets.
      expect((await cli.list()).messages.map((m) => m.id).sort()).toEqual([id[2], id[3], id[4]].sort());
    },
  );

  it.skipIf(!up)(
    "sends a message that fails again back into the failure transport, its history grown",
    async () => {
      const before = JSON.parse((await cli.ok(["messenger:failed:show", id[2]!, "--format=json"])).stdout);
      expect(before.history.map((h: { retryCount: number }) => h.retryCount)).toEqual([1, 0]);

      // The copy waits delayed in "failed" (a minute) until the next test looks at the counts.
      const result = await cli.run(["messenger:failed:retry", id[2]!, "--force"], {
        FAILED_TEST_SLOW_FAILED_RETRY: "1",
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(
        `[WARNING] Message with id ${id[2]} failed again: Handling "Job" failed: job 2 failed on purpose`,
      );
      copyId = /It is back in the "failed" failure transport for retry #1 as message (\d+)\./.exec(
        result.stderr,
      )?.[1];
      expect(copyId).toBeDefined();
      expect(result.stderr).not.toContain("All done!");

      // The failure transport's own retry strategy took it: a new row, one more redelivery.
      const list = await cli.list();
      expect(
        list.messages
          .map((m) => m.id)
          .slice(0, 2)
          .sort(),
      ).toEqual([id[3], id[4]].sort());
      expect(list.messages.map((m) => m.id)[2]).toBe(copyId);
      const after = JSON.parse((await cli.ok(["messenger:failed:show", copyId!, "--format=json"])).stdout);
      expect(after).toMatchObject({
        class: "Job",
        message: { n: 2, fail: true },
        originalTransport: "async",
        retryCount: 1,
        error: { message: "job 2 failed on purpose" },
      });
      expect(after.history.map((h: { retryCount: number }) => h.retryCount)).toEqual([1, 0, 1]);
      expect(Date.parse(after.failedAt)).toBeGreaterThanOrEqual(Date.parse(before.failedAt));
    },
  );

  it.skipIf(!up)(
    "counts the copy a failed retry left delayed in the failure transport, in failed:show and stats",
    async () => {
      expect(copyId).toBeDefined();
      const show = await cli.run(["messenger:failed:show"]);
      expect(show.code).toBe(0);
      expect(show.stderr).toContain("There are 3 messages pending in the failure transport.");
      expect(tableLines(show.stdout).map((line) => line.split(/\s+/)[0])).toContain(copyId);
      const stats = await cli.run(["messenger:failed:show", "--stats"]);
      expect(stats.stderr).toContain("There are 3 messages pending in the failure transport.");
      const json = JSON.parse((await cli.ok(["messenger:failed:show", "--format=json"])).stdout);
      expect(json.pending).toBe(3);
      const counts = JSON.parse((await cli.ok(["messenger:stats", "failed", "--format=json"])).stdout);
      expect(counts).toEqual({ transports: { failed: { count: 3 } } });
    },
  );

  it.skipIf(!up)("names a missing id, retries the others, and exits 1", async () => {
    const result = await cli.run(["messenger:failed:retry", "424242", id[3]!, "--force"], HEALED);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("handled 3\n");
    expect(result.stderr).toContain(
      '[ERROR] The message "424242" was not found in the "failed" failure transport.',
    );
    expect(result.stderr).toContain(`[OK] Message with id ${id[3]} was handled successfully.`);
    expect(result.stderr).not.toContain("All done!");
  });

  it.skipIf(!up)("retries every message a filter selects, without ids", async () => {
    const result = await cli.run(["messenger:failed:retry", "--class-filter=failed_test.job"], HEALED);
    expect(result.code).toBe(0);
    // Job 4, then the copy of job 2 (parked again by the failure transport's retry above).
    expect(result.stdout).toBe("handled 4\nhandled 2\n");
    expect(result.stderr).toContain("[OK] All done!");
    expect((await cli.list()).messages).toEqual([]);

    const none = await cli.run(["messenger:failed:retry", "--class-filter=Job"]);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('[OK] No failed messages match the filter (class "Job").');
  });
});

describe("messenger:failed:retry refusals", CLI_TIMEOUT, () => {
  const cli = new FailedCli("sqlite", "failed_retry_refusals");
  afterAll(() => cli.dispose());

  it("needs an id (or a filter) when it cannot ask, and exits 2", async () => {
    const result = await cli.run(["messenger:failed:retry", "--force"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("[ERROR] Message id must be passed when in non-interactive mode.");
  });

  it("refuses ids together with a filter", async () => {
    const result = await cli.run(["messenger:failed:retry", "1", "--class-filter=Job"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Pass either message ids or filters");
  });
});
