import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("the failure transport's pending count on %s", CLI_TIMEOUT, (backend, up) => {
  const cli = new FailedCli(backend, `failed_pending_${backend}`);

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    // One due, one not due for ten minutes, as a failed retry leaves its copy.
    await cli.ok(["app:park", "1"]);
    await cli.ok(["app:park", "2", "--delay-ms=600000"]);
  }, 60_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)("failed:show counts every message it lists, delayed ones too", async () => {
    const result = await cli.ok(["messenger:failed:show"]);
    expect(result.stderr).toContain("There are 2 messages pending in the failure transport.");
    const list = await cli.list();
    expect(list.messages).toHaveLength(2);
    expect(list.pending).toBe(2);
  });

  it.skipIf(!up)("messenger:stats counts the failure transport as failed:show lists it", async () => {
    const result = await cli.ok(["messenger:stats", "async", "failed", "--format=json"]);
    expect(JSON.parse(result.stdout)).toEqual({ transports: { async: { count: 0 }, failed: { count: 2 } } });
  });
});
