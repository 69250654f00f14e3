import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** A fresh directory for this test file's SQLite files, removed after its last test. */
export function useTempDir(): (file?: string) => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "messenger-sqlite-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return (file) => {
    if (!dir) throw new Error("useTempDir: the directory exists from beforeAll on");
    return file ? join(dir, file) : dir;
  };
}
