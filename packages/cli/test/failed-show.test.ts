import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli, type FailedListJson, tableLines } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

const SEVERAL_FAILURE_TRANSPORTS =
  '[NOTE] There are 2 failure transports: failed, unlistable. This command uses "failed"; pass --transport=<name> for another.';

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:failed:show on %s", CLI_TIMEOUT, (backend, up) => {
  const cli = new FailedCli(backend, `failed_show_${backend}`);
  /** Message ids by what they hold: "job 1", "job 2", "job 3", "report r1", "report r2". */
  const id: Record<string, string> = {};
  /** Those keys in the order the transport lists them (jobs 1 and 2 may fail in either order). */
  const order: string[] = [];

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    // Jobs 1 and 2 fail for real: tried, retried once, then moved to "failed" by the worker.
    await cli.ok(["app:dispatch", "--fail", "1", "2"]);
    await cli.ok(["messenger:consume", "async", "--limit=4"]);
    // Three more, parked with known failure times for the time filters.
    await cli.ok(["app:park", "3", "--failed-at=2026-01-01T10:00:00Z"]);
    await cli.ok(["app:park", "--report", "r1", "r2", "--failed-at=2026-01-02T10:00:00Z"]);
    for (const message of (await cli.list()).messages) {
      const [kind, name] = message.error!.message.split(" ");
      id[`${kind} ${name}`] = message.id;
      order.push(`${kind} ${name}`);
    }
    expect([...order].sort()).toEqual(["job 1", "job 2", "job 3", "report r1", "report r2"]);
    expect(order.slice(2)).toEqual(["job 3", "report r1", "report r2"]);
  }, 60_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)("lists the messages with the pending count, a table and the hint", async () => {
    const result = await cli.run(["messenger:failed:show"]);
    expect(result.code).toBe(0);
    const [header, ...rows] = tableLines(result.stdout);
    expect(header).toMatch(/^Id\s+Class\s+Failed at\s+Error$/);
    const now = expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const expected: Record<string, unknown[]> = {
      "job 1": [id["job 1"], "Job", now, "job 1 failed on purpose"],
      "job 2": [id["job 2"], "Job", now, "job 2 failed on purpose"],
      "job 3": [id["job 3"], "Job", "2026-01-01 10:00:00", "job 3 failed on purpose"],
      "report r1": [id["report r1"], "Report", "2026-01-02 10:00:00", "report r1 failed on purpose"],
      "report r2": [id["report r2"], "Report", "2026-01-02 10:00:00", "report r2 failed on purpose"],
    };
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual(order.map((key) => expected[key]));
    expect(result.stderr).toContain(SEVERAL_FAILURE_TRANSPORTS);
    expect(result.stderr).toContain("There are 5 messages pending in the failure transport.");
    expect(result.stderr).toContain(
      "// Run messenger:failed:show {id} --transport=failed -vv to see message details.",
    );
  });

  it.skipIf(!up)("lists as JSON", async () => {
    const list = await cli.list();
    expect(list).toMatchObject({ transport: "failed", pending: 5, more: false });
    expect(list.messages.find((m) => m.id === id["job 1"])).toEqual({
      id: id["job 1"],
      class: "Job",
      type: "failed_test.job",
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      error: { class: "Error", code: null, message: "job 1 failed on purpose" },
      originalTransport: "async",
      retryCount: 0,
      decodable: true,
    });
    expect(list.messages.map((m) => [m.class, m.failedAt])).toEqual([
      ["Job", expect.any(String)],
      ["Job", expect.any(String)],
      ["Job", "2026-01-01T10:00:00.000Z"],
      ["Report", "2026-01-02T10:00:00.000Z"],
      ["Report", "2026-01-02T10:00:00.000Z"],
    ]);
  });

  it.skipIf(!up)(
    "filters before --max: the first matching messages, not the matches among the first",
    async () => {
      // The reports are the 4th and 5th messages: a filter over the first --max would find none.
      const byClass = await cli.run(["messenger:failed:show", "--class-filter=Report", "--max=1"]);
      expect(byClass.code).toBe(0);
      const rows = tableLines(byClass.stdout).slice(1);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(
        new RegExp(`^${id["report r1"]}\\s+Report\\s+2026-01-02 10:00:00\\s+report r1 failed on purpose$`),
      );
      expect(byClass.stderr).toContain(
        '// Showing 1 message matching class "Report", the first 1; pass --max to see more.',
      );

      const byType = await cli.list(["--class-filter=failed_test.report", "--max=1"]);
      expect(byType.messages.map((m) => m.id)).toEqual([id["report r1"]]);
      expect(byType.more).toBe(true);

      const unfiltered = await cli.run(["messenger:failed:show", "--max=1"]);
      expect(tableLines(unfiltered.stdout)).toHaveLength(2);
      expect(tableLines(unfiltered.stdout)[1]).toMatch(new RegExp(`^${id[order[0]!]}\\s+Job\\s+`));
      expect(unfiltered.stderr).toContain("// Showing the first 1 message; pass --max to see more.");
    },
  );

  it.skipIf(!up)("selects by failure time, both bounds inclusive", async () => {
    const ids = (list: FailedListJson) => list.messages.map((m) => m.id);
    expect(
      ids(await cli.list(["--failed-after=2026-01-01T10:00:00Z", "--failed-before=2026-01-02T09:59:59Z"])),
    ).toEqual([id["job 3"]]);
    expect(ids(await cli.list(["--failed-before=2026-01-02T10:00:00Z"]))).toEqual([
      id["job 3"],
      id["report r1"],
      id["report r2"],
    ]);
    expect(ids(await cli.list(["--class-filter=Job", "--failed-after=2026-01-02T00:00:00Z"]))).toEqual([
      id[order[0]!],
      id[order[1]!],
    ]);

    const none = await cli.run(["messenger:failed:show", "--failed-before=2025-01-01T00:00:00Z"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
    expect(none.stderr).toContain(
      "[OK] No failed messages match the filter (failed at or before 2025-01-01 00:00:00).",
    );
  });

  it.skipIf(!up)("counts per class with --stats, over every message the filter selects", async () => {
    const txt = await cli.run(["messenger:failed:show", "--stats", "--max=1"]);
    expect(txt.code).toBe(0);
    expect(tableLines(txt.stdout)).toEqual(["Class   Count", "Job     3", "Report  2"]);
    expect(txt.stderr).toContain("// 5 messages.");

    const json = await cli.ok(["messenger:failed:show", "--stats", "--class-filter=Report", "--format=json"]);
    expect(JSON.parse(json.stdout)).toEqual({
      transport: "failed",
      pending: 5,
      filter: { classFilter: "Report", failedAfter: null, failedBefore: null },
      classes: [{ class: "Report", type: "failed_test.report", count: 2 }],
      total: 2,
    });
  });

  it.skipIf(!up)("shows one message in detail: table, history, hints", async () => {
    const result = await cli.run(["messenger:failed:show", id["job 1"]!]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain("Failed Message Details\n======================");
    expect(out).toMatch(/^Class\s+Job$/m);
    expect(out).toMatch(/^Type\s+failed_test\.job$/m);
    expect(out).toMatch(new RegExp(`^Message Id\\s+${id["job 1"]}$`, "m"));
    expect(out).toMatch(/^Failed at\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    expect(out).toMatch(/^Error\s+job 1 failed on purpose$/m);
    expect(out).toMatch(/^Error Class\s+Error$/m);
    expect(out).toMatch(/^Transport\s+async$/m);
    // Tried once on "async", retried once, then moved to the failure transport.
    expect(out).toMatch(
      /Message history:\n {2}\* Message failed at [\d-]+ [\d:]+ and was redelivered \(retry #1\)\n {2}\* Message failed at [\d-]+ [\d:]+ and was sent to the failure transport\n/,
    );
    expect(out).not.toContain("Message\n-------");
    expect(result.stderr).toContain("// Re-run the command with -vv to see more message & error details.");
    expect(result.stderr).toContain(
      `// Run messenger:failed:retry ${id["job 1"]} --transport=failed to retry this message.`,
    );
  });

  it.skipIf(!up)("adds the message body and the error's stack with -vv, and everything as JSON", async () => {
    const result = await cli.run(["messenger:failed:show", id["job 1"]!, "-vv"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Message\n-------\n\n{\n  "n": 1,\n  "fail": true\n}\n');
    expect(result.stdout).toMatch(/Error\n-----\n\nError: job 1 failed on purpose\n {4}at /);
    expect(result.stderr).not.toContain("Re-run the command with -vv");

    const json = JSON.parse((await cli.ok(["messenger:failed:show", id["job 1"]!, "--format=json"])).stdout);
    expect(json).toMatchObject({
      transport: "failed",
      id: id["job 1"],
      class: "Job",
      message: { n: 1, fail: true },
      decodable: true,
      decodingError: null,
      rawBody: null,
    });
    expect(json.history.map((entry: { retryCount: number }) => entry.retryCount)).toEqual([1, 0]);
    expect(json.errors).toEqual([
      {
        class: "Error",
        code: null,
        message: "job 1 failed on purpose",
        stack: expect.stringContaining("Error: job 1 failed on purpose"),
      },
    ]);
  });

  it.skipIf(!up)("names a missing id and exits 1", async () => {
    const result = await cli.run(["messenger:failed:show", "424242"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '[ERROR] The message "424242" was not found in the "failed" failure transport.',
    );
  });
});

// Usage and configuration errors do not depend on the backend: SQLite only.
describe("messenger:failed:show refusals", CLI_TIMEOUT, () => {
  const cli = new FailedCli("sqlite", "failed_show_refusals");
  const id = { "job 1": "1" };

  beforeAll(async () => {
    await cli.ok(["app:park", "1"]);
    expect((await cli.list()).messages.map((m) => m.id)).toEqual([id["job 1"]]);
  }, 60_000);
  afterAll(() => cli.dispose());

  it("refuses a transport that is not a failure transport, listing those, with exit 2", async () => {
    const result = await cli.run(["messenger:failed:show", "--transport=async"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Unknown failure transport "async"; failure transports: failed, unlistable.',
    );
  });

  it("refuses a failure transport that cannot list messages", async () => {
    const result = await cli.run(["messenger:failed:show", "--transport=unlistable"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '[ERROR] The "unlistable" receiver does not support listing or showing specific messages. [NOT_LISTABLE]',
    );
  });

  it("asks for --transport when there is no global failure transport", async () => {
    const env = { FAILED_TEST_NO_GLOBAL: "1" };
    const result = await cli.run(["messenger:failed:show"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "No default failure transport is defined; pass --transport=<name> with one of: failed, unlistable.",
    );
    const named = await cli.run(["messenger:failed:show", "--transport=failed", "--max=1"], env);
    expect(named.code).toBe(0);
    expect(named.stderr).not.toContain("[NOTE]");
  });

  it("takes a bare --transport for the global failure transport when it cannot ask", async () => {
    const bare = await cli.run(["messenger:failed:show", "--transport", "--max=1"]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain(SEVERAL_FAILURE_TRANSPORTS);
    expect(bare.stderr).toContain("--transport=failed -vv");

    const noGlobal = await cli.run(["messenger:failed:show", "--transport"], { FAILED_TEST_NO_GLOBAL: "1" });
    expect(noGlobal.code).toBe(2);
    expect(noGlobal.stderr).toContain(
      "No default failure transport is defined; pass --transport=<name> with one of: failed, unlistable.",
    );
  });

  it("refuses bad option values with exit 2, naming them", async () => {
    const date = await cli.run(["messenger:failed:show", "--failed-after=yesterday"]);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('"yesterday" is not a date');
    const max = await cli.run(["messenger:failed:show", "--max=0"]);
    expect(max.code).toBe(2);
    expect(max.stderr).toContain('"0" is not a positive integer.');
    const window = await cli.run([
      "messenger:failed:show",
      "--failed-after=2026-02-01T00:00:00Z",
      "--failed-before=2026-01-01T00:00:00Z",
    ]);
    expect(window.code).toBe(2);
    expect(window.stderr).toContain("is later than --failed-before");
    const both = await cli.run(["messenger:failed:show", id["job 1"]!, "--stats"]);
    expect(both.code).toBe(2);
  });
});
