import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:failed:remove on %s", CLI_TIMEOUT, (backend, up) => {
  const cli = new FailedCli(backend, `failed_remove_${backend}`);
  /** Message ids by what they hold: "job 1" ... "job 4", "report r1", "report r2". */
  const id: Record<string, string> = {};
  const ids = async () => (await cli.list()).messages.map((m) => m.id);

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    await cli.ok(["app:park", "1", "2", "3", "4"]);
    await cli.ok(["app:park", "--report", "r1", "r2"]);
    for (const message of (await cli.list()).messages) {
      const [kind, name] = message.error!.message.split(" ");
      id[`${kind} ${name}`] = message.id;
    }
    expect(Object.keys(id)).toHaveLength(6);
  }, 60_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)("removes one message by id, showing it first", async () => {
    const result = await cli.run(["messenger:failed:remove", id["job 1"]!, "--force"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Failed Message Details");
    expect(result.stdout).toMatch(/^Error\s+job 1 failed on purpose$/m);
    expect(result.stderr).toContain(`[OK] Message with id ${id["job 1"]} removed.`);
    expect(await ids()).not.toContain(id["job 1"]);
  });

  it.skipIf(!up)("names a missing id, removes the others without showing them, and exits 1", async () => {
    const result = await cli.run([
      "messenger:failed:remove",
      "424242",
      id["job 2"]!,
      id["job 3"]!,
      "--force",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '[ERROR] The message "424242" was not found in the "failed" failure transport.',
    );
    expect(result.stderr).toContain(`[OK] Message with id ${id["job 2"]} removed.`);
    expect(result.stderr).toContain(`[OK] Message with id ${id["job 3"]} removed.`);
    // Several ids: no details unless --show-messages.
    expect(result.stdout).toBe("");
    expect(await ids()).toEqual([id["job 4"], id["report r1"], id["report r2"]]);
  });

  it.skipIf(!up)("removes the messages a class filter selects", async () => {
    const result = await cli.run([
      "messenger:failed:remove",
      "--class-filter=Report",
      "--force",
      "--show-messages",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("There are 2 messages to remove.");
    expect(result.stderr).toContain("[OK] 2 messages were removed.");
    expect(result.stdout.match(/Failed Message Details/g)).toHaveLength(2);
    expect(await ids()).toEqual([id["job 4"]]);
  });

  it.skipIf(!up)("removes everything with --all --force", async () => {
    await cli.ok(["app:park", "5", "6"]);
    const result = await cli.run(["messenger:failed:remove", "--all", "--force"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("[OK] 3 messages were removed.");
    expect(await ids()).toEqual([]);

    const again = await cli.run(["messenger:failed:remove", "--all", "--force"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("[OK] No failed messages were found.");
  });
});

describe("messenger:failed:remove refusals", CLI_TIMEOUT, () => {
  const cli = new FailedCli("sqlite", "failed_remove_refusals");
  afterAll(() => cli.dispose());

  it("wants ids or --all, not both and not neither, with exit 2", async () => {
    const both = await cli.run(["messenger:failed:remove", "1", "--all", "--force"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("[ERROR] Pass either message ids or --all, not both.");
    const neither = await cli.run(["messenger:failed:remove", "--force"]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain(
      "[ERROR] Pass the ids of the messages to remove, --all, or a filter (--class-filter, --failed-after, --failed-before).",
    );
  });

  it("will not remove without --force when it cannot ask", async () => {
    await cli.ok(["app:park", "1"]);
    const result = await cli.run(["messenger:failed:remove", "--all"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --force to remove without asking.");
    expect((await cli.list()).messages).toHaveLength(1);
  });
});
