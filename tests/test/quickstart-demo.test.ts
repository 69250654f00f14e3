import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const demoDir = dirname(require.resolve("@messenger-ts/example-quickstart/package.json"));

describe("the quickstart example", () => {
  it("dispatches, answers a query, sends to a transport and consumes", async () => {
    const { stdout, stderr } = await run(process.execPath, [join(demoDir, "dist/main.js")], { cwd: demoDir });
    expect(stderr).toBe("");
    expect(stdout).toContain("GetLeadCount -> 2");
    expect(stdout).toMatch(/message #1 acked, handler returned 80/);
    expect(stdout).toMatch(/message #2 acked, handler returned 50/);
    expect(stdout).toContain("jana@firma.cz (Firma s.r.o.) score=80");
    expect(stdout).toContain("bob@example.com (Example Inc.) score=50");
  });
});
