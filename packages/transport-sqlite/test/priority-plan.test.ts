import { DelayStamp, Envelope, PriorityStamp } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { SqliteTransport } from "../src/index.js";
import { raw } from "./support/drivers.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();

describe("SQLite claim by priority", () => {
  it("reads one range of the claim index in claim order: no table scan, no sort of all due rows", async () => {
    const transport = new SqliteTransport({ path: temp("plan.sqlite") });
    await transport.sendMany(
      Array.from({ length: 500 }, (_, n) =>
        Envelope.wrap(new Job(n), [
          new PriorityStamp(n % 3),
          ...(n % 7 === 0 ? [new DelayStamp(3_600_000)] : []),
        ]),
      ),
    );
    const db = raw(transport.database);
    db.exec("ANALYZE");
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id, priority, available_at FROM messenger_messages
           WHERE queue_name = ? AND available_at <= ?
             AND (delivered_at IS NULL OR delivered_at < ? OR delivered_at >= '')
           ORDER BY priority DESC, available_at, id LIMIT ?`,
        )
        .all("default", Date.now(), Date.now() - 30_000, 10) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join("\n");
    console.log(`[explain] sqlite claim candidates:\n${plan}`);
    expect(plan).toMatch(
      /SEARCH messenger_messages USING (COVERING )?INDEX messenger_messages_claim_idx \(queue_name=\?/,
    );
    expect(plan).not.toMatch(/SCAN messenger_messages\b/);
    // Only ties of (priority, due time) are put in id order, group by group as the scan streams:
    // the index gives the order of everything else, so the LIMIT still stops the scan early.
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    const claimed = await transport.get();
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.every((e) => e.last(PriorityStamp)?.priority === 2)).toBe(true);
    await transport.close();
  });
});
