import Table from "cli-table3";
import { createColors } from "picocolors";
import { Verbosity } from "./verbosity.js";

type Colors = ReturnType<typeof createColors>;

export interface Writable {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface ConsoleOutputOptions {
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  readonly verbosity?: Verbosity;
  /** Colours and boxed tables. @defaultValue stdout is a TTY and `NO_COLOR` is unset */
  readonly decorated?: boolean;
}

export type TableCell = string | number | bigint | boolean | null | undefined;

/**
 * Where commands write. Data a script may read (tables, details, `--format=json`) goes to stdout;
 * status lines (success, notes, warnings, errors, hints) go to stderr, so `cmd | jq` sees only
 * the data. Colours and box-drawn tables only when decorated (a TTY); otherwise plain aligned
 * columns.
 */
export class ConsoleOutput {
  readonly verbosity: Verbosity;
  readonly decorated: boolean;
  readonly colors: Colors;
  readonly #stdout: Writable;
  readonly #stderr: Writable;

  constructor(options: ConsoleOutputOptions = {}) {
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    this.verbosity = options.verbosity ?? Verbosity.Normal;
    this.decorated = options.decorated ?? (Boolean(this.#stdout.isTTY) && !process.env.NO_COLOR);
    this.colors = createColors(this.decorated);
  }

  get isQuiet(): boolean {
    return this.verbosity <= Verbosity.Quiet;
  }

  get isVerbose(): boolean {
    return this.verbosity >= Verbosity.Verbose;
  }

  get isVeryVerbose(): boolean {
    return this.verbosity >= Verbosity.VeryVerbose;
  }

  get isDebug(): boolean {
    return this.verbosity >= Verbosity.Debug;
  }

  /** Whether stderr is a terminal (for live status lines). */
  get isErrorTTY(): boolean {
    return Boolean(this.#stderr.isTTY);
  }

  /** A line of data on stdout (not shown with `-q`). */
  writeln(text = ""): void {
    if (!this.isQuiet) this.#stdout.write(`${text}\n`);
  }

  /** Raw text on stderr, for live status lines (not shown with `-q`). */
  writeErr(text: string): void {
    if (!this.isQuiet) this.#stderr.write(text);
  }

  /** Pretty-printed JSON on stdout, always (a script asked for it). */
  json(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  title(text: string): void {
    this.writeln(this.colors.bold(this.colors.green(text)));
    this.writeln(this.colors.green("=".repeat(text.length)));
    this.writeln();
  }

  section(text: string): void {
    this.writeln(this.colors.bold(this.colors.yellow(text)));
    this.writeln(this.colors.yellow("-".repeat(text.length)));
    this.writeln();
  }

  /** A table with a header row on stdout. */
  table(headers: readonly string[], rows: readonly (readonly TableCell[])[]): void {
    if (this.isQuiet) return;
    const table = new Table({
      head: headers.map((h) => this.colors.green(h)),
      ...(this.decorated ? {} : PLAIN),
    });
    for (const row of rows) table.push(row.map(cell));
    this.writeln(this.#trimmed(table.toString()));
    this.writeln();
  }

  /** A two-column key/value table (Symfony's horizontal table). */
  definitionList(rows: readonly (readonly [string, TableCell])[]): void {
    if (this.isQuiet) return;
    const table = new Table(this.decorated ? {} : PLAIN);
    for (const [key, value] of rows) table.push([this.colors.green(key), cell(value)]);
    this.writeln(this.#trimmed(table.toString()));
    this.writeln();
  }

  success(message: string): void {
    this.#block("OK", message, this.colors.green);
  }

  warning(message: string): void {
    this.#block("WARNING", message, this.colors.yellow);
  }

  /** Printed even with `-q`: an error is never silent. */
  error(message: string): void {
    this.#stderr.write(`${this.colors.red(`[ERROR] ${message}`)}\n`);
  }

  note(message: string): void {
    this.#block("NOTE", message, this.colors.yellow);
  }

  info(message: string): void {
    this.#block("INFO", message, this.colors.cyan);
  }

  /** A hint or explanation, dimmed: `// message`. */
  comment(message: string): void {
    if (this.isQuiet) return;
    for (const line of message.split("\n")) this.#stderr.write(`${this.colors.dim(`// ${line}`)}\n`);
  }

  #block(label: string, message: string, color: (s: string) => string): void {
    if (this.isQuiet) return;
    this.#stderr.write(`${color(`[${label}] ${message}`)}\n`);
  }

  #trimmed(text: string): string {
    return this.decorated ? text : text.replace(/[ \t]+$/gm, "");
  }
}

// Borderless, left-aligned columns two spaces apart: easy to read and to cut.
const PLAIN = {
  chars: {
    top: "",
    "top-mid": "",
    "top-left": "",
    "top-right": "",
    bottom: "",
    "bottom-mid": "",
    "bottom-left": "",
    "bottom-right": "",
    left: "",
    "left-mid": "",
    mid: "",
    "mid-mid": "",
    right: "",
    "right-mid": "",
    middle: "  ",
  },
  style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
};

function cell(value: TableCell): string {
  if (value === null || value === undefined) return "";
  return String(value);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
