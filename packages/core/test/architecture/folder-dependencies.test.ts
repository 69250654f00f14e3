import { readdirSync, readFileSync } from "node:fs";
import { join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src", import.meta.url));

/** Every `src/` file's relative imports (type-only ones too: they are dependencies of the design). */
function importsByFile(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        const text = readFileSync(path, "utf8");
        const targets = [...text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map((m) =>
          relative(src, normalize(join(dir, m[1]!))),
        );
        out.set(relative(src, path), targets);
      }
    }
  };
  walk(src);
  return out;
}

/** The top-level folder of a path under `src/` ("" for a file at the root). */
function folderOf(path: string): string {
  const parts = path.split(sep);
  return parts.length > 1 ? parts[0]! : "";
}

/** folder → the folders its files import, each with one example import for the failure message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const [file, targets] of importsByFile()) {
    const from = folderOf(file);
    if (from === "") continue; // the root index and entry points gather everything
    for (const target of targets) {
      const to = folderOf(target);
      if (to === "" || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${file} imports ${target}`);
    }
  }
  return graph;
}

describe("core's folders", () => {
  it("depend one way: no folder imports a folder that imports it back", () => {
    const graph = folderGraph();
    const mutual: string[] = [];
    for (const [from, imports] of graph) {
      for (const [to, example] of imports) {
        const back = graph.get(to)?.get(from);
        if (back !== undefined && from < to) mutual.push(`${from} ⇄ ${to}: ${example}; ${back}`);
      }
    }
    expect(mutual).toEqual([]);
  });

  it("are all seen by the check (it reads the imports it claims to)", () => {
    const graph = folderGraph();
    expect(graph.get("worker-wiring")?.has("listeners")).toBe(true);
    expect(graph.get("listeners")?.has("worker")).toBe(true);
  });
});
