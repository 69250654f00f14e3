import { spawnSync } from "node:child_process";

/**
 * Where a file's syntax error is, as `<file>:<line>` with the offending line and a caret under the
 * spot, or undefined when Node.js cannot say. A failed `import()` gives a SyntaxError with neither
 * file nor line (Node.js keeps them for its own uncaught-error printout), so the file is checked
 * again with `node --check`, which prints them; this runs only once loading has already failed.
 */
export function syntaxErrorLocation(path: string): string | undefined {
  const check = spawnSync(process.execPath, ["--check", path], { encoding: "utf8", timeout: 10_000 });
  if (check.status === 0 || typeof check.stderr !== "string") return undefined;
  // `<file>:<line>`, the source line, the caret line, then a blank line and the error itself.
  const lines = check.stderr.split("\n");
  const start = lines.findIndex((line) => /:\d+$/.test(line));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, i) => i > start && (line.trim() === "" || /^\w*Error\b/.test(line)));
  return lines
    .slice(start, end === -1 ? start + 3 : end)
    .join("\n")
    .trimEnd();
}
