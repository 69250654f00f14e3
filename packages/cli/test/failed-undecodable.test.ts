import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli, tableLines } from "./fixtures/failed-cli.js";
import { pgUp } from "./support/cli.js";

/** Stamp headers as the failure listener writes them: where it failed, when, and why. */
const FAILURE_HEADERS = {
  "X-Message-Stamp-SentToFailureTransportStamp": JSON.stringify([{ originalReceiverName: "async" }]),
  "X-Message-Stamp-RedeliveryStamp": JSON.stringify([
    { retryCount: 0, redeliveredAt: "2026-01-03T10:00:00.000Z" },
  ]),
  "X-Message-Stamp-ErrorDetailsStamp": JSON.stringify([
    { errorClass: "Error", errorCode: null, errorMessage: "it broke", stack: null },
  ]),
};

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("undecodable messages in the failure transport on %s", CLI_TIMEOUT, (backend, up) => {
  const cli = new FailedCli(backend, `failed_undecodable_${backend}`);
  let gone = ""; // a type no class is registered for any more
  let broken = ""; // a known type with a body that is not JSON

  beforeAll(async () => {
    if (!up) return;
    await cli.ok(["messenger:setup-transports"]);
    gone = await cli.insertRaw('{"reason":"class removed"}', {
      type: "failed_test.gone",
      ...FAILURE_HEADERS,
    });
    broken = await cli.insertRaw("<<garbage>>", { type: "failed_test.job", ...FAILURE_HEADERS });
  }, 60_000);
  afterAll(() => cli.dispose());

  it.skipIf(!up)("lists them, marked, with what their headers still tell", async () => {
    const result = await cli.run(["messenger:failed:show"]);
    expect(result.code).toBe(0);
    expect(
      tableLines(result.stdout)
        .slice(1)
        .map((row) => row.split(/\s{2,}/)),
    ).toEqual([
      [gone, "failed_test.gone (undecodable)", "2026-01-03 10:00:00", "it broke"],
      [broken, "failed_test.job (undecodable)", "2026-01-03 10:00:00", "it broke"],
    ]);
    const list = await cli.list();
    expect(list.messages.map((m) => [m.type, m.decodable])).toEqual([
      ["failed_test.gone", false],
      ["failed_test.job", false],
    ]);
  });

  it.skipIf(!up)("shows one with an error banner and its raw body", async () => {
    const result = await cli.run(["messenger:failed:show", broken]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /\[ERROR\] This message could not be decoded: Could not decode message: .+ It can only be shown or removed\./,
    );
    expect(result.stdout).toMatch(/^Class\s+failed_test\.job \(undecodable\)$/m);
    expect(result.stdout).toMatch(/^Transport\s+async$/m);
    expect(result.stdout).toContain("Raw body\n--------\n\n<<garbage>>\n");
    expect(result.stderr).not.toContain("messenger:failed:retry");

    const json = JSON.parse((await cli.ok(["messenger:failed:show", gone, "--format=json"])).stdout);
    expect(json).toMatchObject({
      decodable: false,
      message: null,
      rawBody: '{"reason":"class removed"}',
      rawHeaders: { type: "failed_test.gone" },
      decodingError: expect.stringContaining('unknown message type "failed_test.gone"'),
    });
  });

  it.skipIf(!up)("refuses to retry them, and removes them", async () => {
    const retry = await cli.run(["messenger:failed:retry", gone, "--force"]);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain(
      `[ERROR] The message "${gone}" could not be decoded, it can only be shown or removed.`,
    );
    expect((await cli.list()).messages).toHaveLength(2);

    const remove = await cli.run(["messenger:failed:remove", gone, broken, "--force"]);
    expect(remove.code).toBe(0);
    expect((await cli.list()).messages).toEqual([]);
  });
});
