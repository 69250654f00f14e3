import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_TIMEOUT, FailedCli } from "./fixtures/failed-cli.js";
import { DOWN, ENTER, hasScript } from "./fixtures/failed-terminal.js";

// On a terminal the commands ask; the questions do not depend on the backend: SQLite only.
describe.skipIf(!hasScript)("the failed:* commands on a terminal", CLI_TIMEOUT, () => {
  const cli = new FailedCli("sqlite", "failed_interactive");
  let ids: string[] = [];

  beforeEach(async () => {
    await cli.ok(["messenger:failed:remove", "--all", "--force"]);
    await cli.ok(["app:park", "1", "2", "3"]);
    ids = (await cli.list()).messages.map((m) => m.id);
  }, 60_000);
  afterAll(() => cli.dispose());

  it("retry without ids shows each message and asks: retry, delete or skip", async () => {
    const session = cli.terminal(["messenger:failed:retry"], { FAILED_TEST_HEALED: "1" });
    await session.waitFor("Please select an action");
    expect(session.screen).toMatch(new RegExp(`Message Id\\s+${ids[0]}\n`));
    session.type(ENTER); // retry (the default)
    await session.waitFor("Failed Message Details");
    await session.waitFor("Please select an action");
    session.type(DOWN + ENTER); // delete
    await session.waitFor("Failed Message Details");
    await session.waitFor("Please select an action");
    session.type(DOWN + DOWN + ENTER); // skip
    await session.waitFor("All done!");
    expect(await session.close()).toBe(0);

    const screen = session.screen;
    expect(screen).toContain("handled 1");
    expect(screen).toContain(`[OK] Message with id ${ids[0]} was handled successfully.`);
    expect(screen).toContain(`[OK] Message with id ${ids[1]} removed.`);
    expect(screen).toContain(
      `[NOTE] Message with id ${ids[2]} skipped; it stays in the "failed" failure transport.`,
    );
    // The messenger's listeners hear of the skip (and only of it), with the envelope and transport.
    expect(screen.match(/skip event: .*/g)).toEqual([`skip event: Job 3 id ${ids[2]} from "failed"`]);
    expect(screen).toContain("[OK] All done!");
    expect((await cli.list()).messages.map((m) => m.id)).toEqual([ids[2]]);
  });

  it("offers only delete or skip for a message that cannot be decoded", async () => {
    const garbage = await cli.insertRaw("<<garbage>>", { type: "failed_test.gone" });
    const session = cli.terminal(["messenger:failed:retry", "--class-filter=failed_test.gone"]);
    await session.waitFor("This message could not be decoded");
    await session.waitFor("Please select an action");
    // No retry among the choices, and skip (harmless) is the default.
    expect(session.screen).toMatch(/Please select an action\n {2}delete\n❯ skip\n/);
    session.type(ENTER);
    await session.waitFor("All done!");
    expect(await session.close()).toBe(0);
    expect(session.screen).toContain(`[NOTE] Message with id ${garbage} skipped`);
    expect(session.screen).toContain(`skip event: UndecodableMessage id ${garbage} from "failed"`);
  });

  it("consume's receiver question closed with Ctrl+C prints Aborted. and exits 1", async () => {
    const session = cli.terminal(["messenger:consume"]);
    await session.waitFor("Select receivers to consume");
    session.type("\u0003");
    await session.waitFor("[ERROR] Aborted.");
    expect(await session.close()).toBe(1);
    expect(session.screen).not.toContain("force closed");
  });

  it("a bare --transport asks which failure transport, the global one first", async () => {
    const global = cli.terminal(["messenger:failed:show", "--transport"]);
    await global.waitFor("Select failed transport");
    expect(global.screen).toMatch(/Select failed transport\n❯ failed\n {2}unlistable\n/);
    global.type(ENTER);
    await global.waitFor("to see message details.");
    expect(await global.close()).toBe(0);
    expect(global.screen).toContain(`${ids[0]}`);
    expect(global.screen).not.toContain("[NOTE] There are 2 failure transports");

    // The answer is what the command works on: this one cannot list.
    const other = cli.terminal(["messenger:failed:retry", "--transport"]);
    await other.waitFor("Select failed transport");
    other.type(DOWN + ENTER);
    await other.waitFor("[NOT_LISTABLE]");
    expect(await other.close()).toBe(1);
    expect(other.screen).toContain('The "unlistable" receiver does not support listing');
  });

  it("remove asks before it removes, and keeps the message on no", async () => {
    const keep = cli.terminal(["messenger:failed:remove", ids[0]!]);
    await keep.waitFor("Do you want to permanently remove this message?");
    keep.type(`n${ENTER}`);
    await keep.waitFor("not removed.");
    expect(await keep.close()).toBe(0);
    expect(keep.screen).toContain(`[NOTE] Message with id ${ids[0]} not removed.`);

    const all = cli.terminal(["messenger:failed:remove", "--all"]);
    await all.waitFor("Do you want to permanently remove all (3) messages?");
    all.type(`y${ENTER}`);
    await all.waitFor("messages were removed.");
    expect(await all.close()).toBe(0);
    expect(all.screen).toContain("[OK] 3 messages were removed.");
    expect((await cli.list()).messages).toEqual([]);
  });
});
