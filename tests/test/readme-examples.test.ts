import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The README examples compile against the packages as published: every ```ts block of the root
 * README and of each package's README that imports a `@messenger-ts/…` package is type-checked as a
 * module of its own, with the project's compiler settings. Blocks that import nothing are fragments
 * (an options object, one call) and are left out.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = fileURLToPath(new URL("../.readme-examples", import.meta.url));
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

function readmes(): string[] {
  const packages = readdirSync(join(root, "packages")).map((name) =>
    join(root, "packages", name, "README.md"),
  );
  return [join(root, "README.md"), ...packages];
}

function examples(): { file: string; name: string; code: string }[] {
  const out: { file: string; name: string; code: string }[] = [];
  for (const file of readmes()) {
    const text = readFileSync(file, "utf8");
    let index = 0;
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const code = m[1]!;
      index++;
      if (!/from "@messenger-ts\//.test(code)) continue;
      const name = `${relative(root, file).replace(/[/.]/g, "_")}_${index}.ts`;
      out.push({ file: relative(root, file), name, code });
    }
  }
  return out;
}

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("the README examples", () => {
  it("compile against the packages' entry points", { timeout: 120_000 }, async () => {
    const found = examples();
    // The root README and every package's README have one runnable example at least.
    expect(new Set(found.map((e) => e.file)).size).toBeGreaterThanOrEqual(8);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const example of found) writeFileSync(join(outDir, example.name), `${example.code}\nexport {};\n`);
    writeFileSync(
      join(outDir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.json",
        compilerOptions: { noEmit: true, rootDir: ".", noUnusedLocals: false },
        include: ["*.ts"],
      }),
    );
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json")], {
      cwd: outDir,
    }).then(
      () => "",
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
    );
    expect(result).toBe("");
  });
});
