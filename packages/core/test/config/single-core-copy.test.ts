import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createMessenger, LogicError } from "../../src/index.js";

const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
const temp = mkdtempSync(join(tmpdir(), "messenger-ts-core-copy-"));
const copy = join(temp, "node_modules", "@messenger-ts", "core");
const registry = (globalThis as Record<symbol, Map<string, string> | undefined>)[
  Symbol.for("messenger-ts.core")
];

afterAll(() => {
  // The copy stays loaded in this process; forget it so nothing after this file sees two.
  for (const [file, folder] of registry ?? []) if (folder.startsWith(temp)) registry?.delete(file);
  rmSync(temp, { recursive: true, force: true });
});

describe("two copies of @messenger-ts/core in one process", () => {
  it("warns when the second loads, and createMessenger of either copy throws DUPLICATE_CORE naming both", async () => {
    expect(() => createMessenger({ handlers: [] })).not.toThrow();

    // A second copy as file: links leave it: the built package in another node_modules.
    mkdirSync(copy, { recursive: true });
    cpSync(join(packageRoot, "dist"), join(copy, "dist"), { recursive: true });
    cpSync(join(packageRoot, "package.json"), join(copy, "package.json"));
    for (const dependency of ["tsyringe", "reflect-metadata"]) {
      // Core's own links: the copy shares its dependencies, so only core is doubled.
      symlinkSync(join(packageRoot, "node_modules", dependency), join(temp, "node_modules", dependency));
    }
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const other = (await import(
      pathToFileURL(join(copy, "dist", "index.js")).href
    )) as typeof import("../../src/index.js");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("@messenger-ts/core is loaded 2 times"), {
      code: "DUPLICATE_CORE",
    });
    warn.mockRestore();

    for (const create of [createMessenger, other.createMessenger]) {
      let thrown: unknown;
      try {
        create({ handlers: [] });
      } catch (error) {
        thrown = error;
      }
      expect((thrown as LogicError).code).toBe("DUPLICATE_CORE");
      expect((thrown as Error).message).toContain(packageRoot);
      expect((thrown as Error).message).toContain(copy);
      expect((thrown as Error).message).toContain("npm ls @messenger-ts/core");
    }
    // Copying the built package and loading it a second time outlasted vitest's 5 s on a busy machine.
  }, 30_000);
});
