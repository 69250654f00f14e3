import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SqliteTransport } from "../src/index.js";
import { raw } from "./support/drivers.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();
const transportModule = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/**
 * One producer process: a transport of its own on the file, 20 sends of one key at once, and a
 * line saying how many of its sends stored their message. Loads the built package, as a worker.
 */
const producer = `
const [core, sqlite] = await Promise.all([import("@messenger-ts/core"), import(process.env.TRANSPORT_MODULE)]);
class Sync { constructor(n) { this.n = n; } }
core.AsMessage("sqlite_test.dedup_sync")(Sync);
const transport = new sqlite.SqliteTransport({ path: process.env.DB_FILE });
const sent = await Promise.all(Array.from({ length: 20 }, (_, n) =>
  transport.send(core.Envelope.wrap(new Sync(n), [new core.DeduplicateStamp("shared-key")]))));
console.log("stored " + sent.filter((e) => !e.has(core.DeduplicatedStamp)).length);
await transport.close();
`;

function runProducer(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", producer], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, DB_FILE: file, TRANSPORT_MODULE: transportModule },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}

describe("SQLite deduplication across processes", () => {
  it("three producer processes sending one key at once store one message", async () => {
    const file = temp("dedup-processes.sqlite");
    const setup = new SqliteTransport({ path: file });
    await setup.setup();
    const lines = await Promise.all([1, 2, 3].map(() => runProducer(file)));
    const stored = lines.map((line) => Number(/^stored (\d+)$/.exec(line)?.[1] ?? Number.NaN));
    expect(
      stored.reduce((a, b) => a + b, 0),
      `per process: ${lines.join(", ")}`,
    ).toBe(1);
    const db = raw(setup.database);
    expect(db.prepare("SELECT COUNT(*) AS n FROM messenger_messages").get()).toEqual({ n: 1 });
    await setup.close();
  }, 60_000);
});
