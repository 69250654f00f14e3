import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FailedCli } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

// More messages than several pages (FAILED_PAGE_SIZE, 500): the commands read page by page, so
// these check that no page is skipped or read twice on a real transport (the reading itself is
// checked in failed-list.test.ts).
describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("failed:show --stats and failed:remove --all over thousands of messages on %s", (backend, up) => {
  const cli = new FailedCli(backend, `failed_paging_${backend}`);
  const stats = async () =>
    JSON.parse((await cli.ok(["messenger:failed:show", "--stats", "--format=json"])).stdout);

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    await cli.ok(["app:park", ...range(1, 2_000)]);
    await cli.ok(["app:park", "--report", ...range(1, 600)]);
  }, 120_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)(
    "counts every message per class, then removes a filtered share and then all",
    { timeout: 120_000 },
    async () => {
      expect(await stats()).toMatchObject({
        pending: 2_600,
        total: 2_600,
        classes: [
          { class: "Job", count: 2_000 },
          { class: "Report", count: 600 },
        ],
      });

      const reports = await cli.run(["messenger:failed:remove", "--class-filter=Report", "--force"]);
      expect(reports.code).toBe(0);
      expect(reports.stderr).toContain("There are 600 messages to remove.");
      expect(reports.stderr).toContain("[OK] 600 messages were removed.");
      expect(await stats()).toMatchObject({ total: 2_000, classes: [{ class: "Job", count: 2_000 }] });

      const all = await cli.run(["messenger:failed:remove", "--all", "--force"]);
      expect(all.code).toBe(0);
      expect(all.stderr).toContain("[OK] 2000 messages were removed.");
      expect(await stats()).toMatchObject({ pending: 0, total: 0, classes: [] });
    },
  );
});
