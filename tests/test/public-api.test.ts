import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Records every entry point's export list of every package in `tests/api/<package>.txt`, so that a
 * change of the public surface shows in review as a change of that file. After a deliberate change,
 * update the files with `pnpm --filter @messenger-ts/tests exec vitest run test/public-api.test.ts -u`.
 * It reads the built declaration files: TypeScript 7 has no JavaScript API to ask instead.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const packagesDir = join(root, "packages");

/** The names a declaration file exports, each marked as a value or a type only. */
function exportsOf(file: string, seen = new Set<string>()): Map<string, "value" | "type"> {
  const out = new Map<string, "value" | "type">();
  if (seen.has(file)) return out;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const target = (specifier: string) => resolve(dirname(file), specifier.replace(/\.js$/, ".d.ts"));
  for (const m of text.matchAll(/^export \* from "([^"]+)";/gm)) {
    for (const [name, kind] of exportsOf(target(m[1]!), seen)) out.set(name, kind);
  }
  for (const m of text.matchAll(/^export \* as (\w+) from "[^"]+";/gm)) out.set(m[1]!, "value");
  for (const m of text.matchAll(/^export (type )?\{([^}]*)\}(?: from "[^"]+")?;/gm)) {
    for (const raw of m[2]!.split(",")) {
      const part = raw.trim();
      if (part === "") continue;
      const isType = m[1] !== undefined || part.startsWith("type ");
      const name = part
        .replace(/^type /, "")
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      out.set(name, isType ? "type" : "value");
    }
  }
  for (const m of text.matchAll(
    /^export (?:declare )?(?:abstract )?(class|function|const|let|var|interface|type|enum|namespace) ([\w$]+)/gm,
  )) {
    out.set(m[2]!, m[1] === "interface" || m[1] === "type" ? "type" : "value");
  }
  return out;
}

interface PackageJson {
  readonly name: string;
  readonly exports?: Record<string, string | { readonly types?: string }>;
}

function listing(packageDir: string): string {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageJson;
  const sections: string[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = typeof target === "string" ? undefined : target.types;
    if (types === undefined) continue;
    const file = join(packageDir, types);
    if (!existsSync(file)) throw new Error(`${pkg.name}: ${types} is missing; build the package first.`);
    const names = [...exportsOf(file)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const entry = subpath === "." ? pkg.name : `${pkg.name}${subpath.slice(1)}`;
    sections.push(
      `## ${entry} (${names.length})\n${names.map(([name, kind]) => `${name}${kind === "type" ? " (type)" : ""}`).join("\n")}`,
    );
  }
  return `${sections.join("\n\n")}\n`;
}

const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(join(packagesDir, name, "package.json")),
);

describe("the public API of each package", () => {
  it("covers every package", () => {
    expect(packages).toEqual(expect.arrayContaining(["core", "cli", "scheduler", "transport-postgres"]));
  });

  for (const name of packages) {
    it(`of ${name} is what tests/api/${name}.txt records`, async () => {
      await expect(listing(join(packagesDir, name))).toMatchFileSnapshot(`../api/${name}.txt`);
    });
  }
});
