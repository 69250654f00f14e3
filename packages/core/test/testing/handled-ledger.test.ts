import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { HandledLedger } from "../../src/testing/handled-ledger.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fresh(): HandledLedger {
  const dir = mkdtempSync(join(tmpdir(), "mt-ledger-"));
  dirs.push(dir);
  return new HandledLedger(join(dir, "ledger"));
}

describe("HandledLedger", () => {
  it("is empty before any process recorded, even without its directory", () => {
    expect(fresh().read()).toEqual([]);
  });

  it("keeps every record of this process, duplicates included, with its pid", () => {
    const ledger = fresh();
    ledger.record(3);
    ledger.record(1);
    ledger.record(3);
    expect(ledger.read()).toEqual([
      { n: 3, pid: process.pid },
      { n: 1, pid: process.pid },
      { n: 3, pid: process.pid },
    ]);
    expect(ledger.count(3)).toBe(2);
    expect(ledger.count(2)).toBe(0);
    ledger.close();
  });

  it("reads the records of other processes, each under its own pid, and keeps them after a SIGKILL", () => {
    const ledger = fresh();
    // The built module, as the worker processes load it.
    const module = pathToFileURL(join(import.meta.dirname, "../../dist/testing/handled-ledger.js")).href;
    // The child records, then kills itself before it could flush or close anything.
    const child = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { HandledLedger } = await import(${JSON.stringify(module)});
         const ledger = new HandledLedger(${JSON.stringify(ledger.dir)});
         ledger.record(7); ledger.record(8);
         process.kill(process.pid, "SIGKILL");`,
      ],
      { encoding: "utf8" },
    );
    expect(child.signal, child.stderr).toBe("SIGKILL");
    ledger.record(9);
    const read = ledger.read();
    expect(read.filter((e) => e.pid === child.pid).map((e) => e.n)).toEqual([7, 8]);
    expect(read.filter((e) => e.pid === process.pid).map((e) => e.n)).toEqual([9]);
    ledger.close();
  });
});
