import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CliErrorCodes } from "@messenger-ts/cli";
import { ErrorCodes } from "@messenger-ts/core";
import { DashboardErrorCodes } from "@messenger-ts/dashboard";
import { LeadgenErrorCodes } from "@messenger-ts/example-leadgen";
import { SchedulerErrorCodes } from "@messenger-ts/scheduler";
import { AmqpErrorCodes } from "@messenger-ts/transport-amqp";
import { InMemoryErrorCodes } from "@messenger-ts/transport-memory";
import { MysqlErrorCodes } from "@messenger-ts/transport-mysql";
import { PostgresErrorCodes } from "@messenger-ts/transport-postgres";
import { RedisErrorCodes } from "@messenger-ts/transport-redis";
import { SqliteErrorCodes } from "@messenger-ts/transport-sqlite";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Each workspace's own catalogue, by its folder. A workspace missing here has none (so throws no code of its own). */
const CATALOGUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "packages/core": ErrorCodes,
  "packages/transport-memory": InMemoryErrorCodes,
  "packages/transport-mysql": MysqlErrorCodes,
  "packages/transport-postgres": PostgresErrorCodes,
  "packages/transport-redis": RedisErrorCodes,
  "packages/transport-amqp": AmqpErrorCodes,
  "packages/transport-sqlite": SqliteErrorCodes,
  "packages/scheduler": SchedulerErrorCodes,
  "packages/cli": CliErrorCodes,
  "packages/dashboard": DashboardErrorCodes,
  "examples/leadgen": LeadgenErrorCodes,
};

/** Literals in src/ shaped like codes that are not ours, each with why. */
const NOT_OUR_CODES: ReadonlyMap<string, string> = new Map([
  ["ERR_MODULE_NOT_FOUND", "Node's code for a missing module, compared with"],
  ["MODULE_NOT_FOUND", "Node's code for a missing module (require), compared with"],
  ["ERR_UNKNOWN_FILE_EXTENSION", "Node's code for a .ts import without a loader, compared with"],
  ["SQLITE_BUSY", "SQLite's result code, compared with"],
  ["LEADGEN_HEALTH_MAX_DEPTH", "an environment variable of the example"],
  ["LEADGEN_HEALTH_MAX_AGE", "an environment variable of the example"],
  ["LEADGEN_HEALTH_MAX_FAILED", "an environment variable of the example"],
]);

interface Workspace {
  readonly dir: string;
  readonly name: string;
  readonly dependencies: readonly string[];
}

const workspaces: Workspace[] = ["packages", "examples"].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => `${group}/${name}`)
    .filter((dir) => existsSync(join(root, dir, "src")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
      const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      return { dir, name: manifest.name as string, dependencies };
    }),
);

/** A workspace may throw the codes of its own catalogue and of every workspace it depends on. */
function allowedCodes(workspace: Workspace, seen = new Set<string>()): Set<string> {
  const allowed = new Set(Object.values(CATALOGUES[workspace.dir] ?? {}));
  seen.add(workspace.dir);
  for (const dependency of workspace.dependencies) {
    const other = workspaces.find((w) => w.name === dependency);
    if (other && !seen.has(other.dir)) for (const code of allowedCodes(other, seen)) allowed.add(code);
  }
  return allowed;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Comments blanked (lines kept), so a code named in a doc comment is not taken for a use. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'\w])\/\/.*$/gm, "$1");
}

// Any UPPER_SNAKE string literal is taken for a code wherever it stands (an option, a helper's
// argument, a constant); a single upper-case word only where it is plainly one.
const SNAKE_LITERAL = /"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"/g;
const WORD_IN_CODE_POSITION =
  /(?:\bcode\s*(?::|=|===|!==|\?\?)\s*|\bsuper\(\s*|Error\(\s*(?:\d+\s*,\s*)?)"([A-Z][A-Z0-9]*)"/g;

interface CodeUse {
  readonly code: string;
  readonly where: string;
}

function codesUsedIn(workspace: Workspace): CodeUse[] {
  return sourceFiles(join(root, workspace.dir, "src")).flatMap((file) => {
    const text = withoutComments(readFileSync(file, "utf8"));
    return [SNAKE_LITERAL, WORD_IN_CODE_POSITION].flatMap((pattern) =>
      [...text.matchAll(pattern)].map((match) => ({
        code: match[1] as string,
        where: `${relative(root, file)}:${text.slice(0, match.index).split("\n").length}`,
      })),
    );
  });
}

/** `docs/errors.md`: the codes of each table, by the package named in the heading above it. */
function documentedCodes(): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of readFileSync(join(root, "docs/errors.md"), "utf8").split("\n")) {
    const heading = /^## .*?`(@messenger-ts\/[\w-]+)`/.exec(line);
    if (heading) {
      current = new Set();
      byPackage.set(heading[1] as string, current);
    }
    const row = /^\| `([A-Z][A-Z0-9_]*)` *\|/.exec(line);
    if (row && current) current.add(row[1] as string);
  }
  return byPackage;
}

describe("the error-code catalogues", () => {
  it("hold every code that src/ of a package or example throws", () => {
    const uncatalogued = workspaces.flatMap((workspace) => {
      const allowed = allowedCodes(workspace);
      return codesUsedIn(workspace)
        .filter(({ code }) => !allowed.has(code) && !NOT_OUR_CODES.has(code))
        .map(
          ({ code, where }) =>
            `${code} (${where}): not in the catalogue of ${workspace.name} nor of its dependencies`,
        );
    });
    expect(uncatalogued, "add each code to its package's *-error-codes.ts and to docs/errors.md").toEqual([]);
  });

  it("list each code once, under its own name", () => {
    const owners = new Map<string, string[]>();
    for (const [dir, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, code] of Object.entries(catalogue)) {
        expect(code, `${dir}: ${key}`).toBe(key);
        owners.set(code, [...(owners.get(code) ?? []), dir]);
      }
    }
    const twice = [...owners]
      .filter(([, dirs]) => dirs.length > 1)
      .map(([code, dirs]) => `${code}: ${dirs.join(", ")}`);
    expect(twice, "a code shared by packages that do not depend on each other belongs in core").toEqual([]);
  });

  it("are all documented in docs/errors.md, each in the table of its package", () => {
    const documented = documentedCodes();
    const problems: string[] = [];
    for (const workspace of workspaces) {
      const catalogued = new Set(Object.values(CATALOGUES[workspace.dir] ?? {}));
      const rows = documented.get(workspace.name) ?? new Set<string>();
      for (const code of catalogued)
        if (!rows.has(code)) problems.push(`${code} of ${workspace.name} is not documented`);
      for (const code of rows)
        if (!catalogued.has(code))
          problems.push(`${code} is documented for ${workspace.name} but not in its catalogue`);
    }
    expect(problems).toEqual([]);
  });

  it("cover every workspace that has a catalogue", () => {
    expect(Object.keys(CATALOGUES).filter((dir) => !workspaces.some((w) => w.dir === dir))).toEqual([]);
  });
});
