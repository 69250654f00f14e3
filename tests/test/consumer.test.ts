import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireService } from "@messenger-ts/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A new user's application, outside the workspace: every package packed with `pnpm pack`, installed
 * from the tarballs with plain npm into a fresh folder under the system's temporary directory, and
 * the application of docs/getting-started.md (its code blocks headed by a `// <file>` comment,
 * extracted here, so the guide cannot drift) compiled with the application's own TypeScript and
 * run: the program, then the `messenger` bin's worker, on SQLite and on PostgreSQL; and the guide's
 * plain-JavaScript config the same way.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const RECIPIENTS = ["ada@example.com", "grace@example.com", "linus@example.com"];
// The packages an application must hold once: each is a peer of the packages that use it.
const SHARED = ["tsyringe", "reflect-metadata", "@messenger-ts/core"];

const postgres = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};
const pgUp = await requireService("PostgreSQL", postgres);
const schema = `consumer_${randomBytes(4).toString("hex")}`;

let work: string;
let app: string;

/** The guide's files: every fenced block whose first line is `// <path>`, keyed by that path. */
function guideFiles(): Map<string, string> {
  const guide = readFileSync(join(root, "docs/getting-started.md"), "utf8");
  const files = new Map<string, string>();
  for (const m of guide.matchAll(/^```\w*\n(\/\/ ([\w./-]+)\n[\s\S]*?)^```/gm)) files.set(m[2]!, m[1]!);
  return files;
}

/** The version the workspace pins, so the application is built with what the packages are tested with. */
function catalogVersion(name: string): string {
  const catalog = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const version = new RegExp(`^\\s+"?${name.replace("/", "\\/")}"?: (\\S+)$`, "m").exec(catalog)?.[1];
  if (!version) throw new Error(`${name} is not in the workspace catalog`);
  return `${name}@${version}`;
}

/** The environment of a command run in the application: the workspace's pnpm/npm settings left out. */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Keep what the machine needs (npm_config_nodedir: Node's headers for better-sqlite3's build).
    if (/^npm_/i.test(key) && !/^npm_config_(nodedir|registry|cache)$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: "false", ...extra };
}

async function inApp(
  cwd: string,
  file: string,
  args: string[],
  env: Record<string, string> = {},
  timeout = 120_000,
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env: appEnv(env), timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}\n${stderr ?? ""}`, {
      cause: error,
    });
  }
}

/**
 * Node.js 22.16+ runs the SQLite transport on its built-in node:sqlite: there the application
 * installs no better-sqlite3 and compiles nothing, as the guide says.
 */
const hasNodeSqlite = (() => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 16);
})();

/**
 * A folder with the application's third-party packages installed (package.json, lockfile,
 * node_modules), in the system's temporary directory, built once per set of versions and Node.js.
 */
async function thirdPartyDeps(): Promise<string> {
  const specs = [
    "tsyringe",
    "reflect-metadata",
    ...(hasNodeSqlite ? [] : ["better-sqlite3"]),
    "pg",
    "typescript",
    "@types/node",
  ].map(catalogVersion);
  const key = createHash("sha256")
    .update(`${specs.join(" ")} ${process.version} ${process.arch}`)
    .digest("hex")
    .slice(0, 16);
  const cache = join(tmpdir(), `messenger-ts-consumer-deps-${key}`);
  if (existsSync(join(cache, "node_modules/.package-lock.json"))) return cache;
  const building = mkdtempSync(`${cache}.tmp-`);
  writeFileSync(
    join(building, "package.json"),
    `${JSON.stringify({ name: "consumer-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  await inApp(building, "npm", ["install", "--no-audit", "--no-fund", ...specs], {}, 540_000);
  rmSync(cache, { recursive: true, force: true });
  renameSync(building, cache);
  return cache;
}

const messengerBin = () => join(app, "node_modules/.bin/messenger");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "messenger-ts-consumer-"));
  const tarballs = join(work, "tarballs");
  for (const name of readdirSync(join(root, "packages"))) {
    await inApp(join(root, "packages", name), "pnpm", ["pack", "--pack-destination", tarballs]);
  }

  app = join(work, "app");
  mkdirSync(join(app, "plain-js"), { recursive: true });
  for (const [path, code] of guideFiles()) {
    // The guide's plain-JavaScript config is an application of its own, beside the TypeScript one.
    const target = path === "messenger.config.js" ? join(app, "plain-js", path) : join(app, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }

  // The third-party packages come from a cache that outlives the run (better-sqlite3 alone takes a
  // minute to compile); the tarballs are installed on top of it with npm, as a user would.
  cpSync(await thirdPartyDeps(), app, { recursive: true, verbatimSymlinks: true });
  const packed = readdirSync(tarballs).map((file) => join(tarballs, file));
  await inApp(app, "npm", ["install", "--no-audit", "--no-fund", ...packed], {}, 300_000);
}, 600_000);

afterAll(async () => {
  if (pgUp && app && existsSync(join(app, "node_modules/pg"))) {
    const dsn = `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}`;
    const drop = `import pg from "pg"; const c = new pg.Client(${JSON.stringify(dsn)}); await c.connect(); await c.query('DROP SCHEMA IF EXISTS ${schema} CASCADE'); await c.end();`;
    await inApp(app, process.execPath, ["--input-type=module", "-e", drop]);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("an application that installs the packed packages with npm", () => {
  it("gets the guide's files: tsconfig, four modules, the config and the program, and a plain-JS config", () => {
    expect([...guideFiles().keys()].sort()).toEqual([
      "messenger.config.js",
      "src/handlers.ts",
      "src/mailer.ts",
      "src/main.ts",
      "src/messages.ts",
      "src/messenger.config.ts",
      "tsconfig.json",
    ]);
  });

  it("holds one copy of tsyringe, reflect-metadata and core: the packages declare them as peers", () => {
    const installed = readdirSync(join(app, "node_modules/@messenger-ts"));
    expect(installed).toHaveLength(readdirSync(join(root, "packages")).length);
    for (const name of installed) {
      const manifest = JSON.parse(
        readFileSync(join(app, "node_modules/@messenger-ts", name, "package.json"), "utf8"),
      ) as { dependencies?: Record<string, string> };
      for (const shared of SHARED) {
        expect(
          Object.keys(manifest.dependencies ?? {}),
          `@messenger-ts/${name} depends on ${shared}`,
        ).not.toContain(shared);
      }
    }
    for (const shared of SHARED) expect(copiesOf(shared), shared).toEqual([`node_modules/${shared}`]);
  });

  it("compiles the guide's TypeScript application with its own compiler", async () => {
    await inApp(app, process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"]);
    expect(existsSync(join(app, "dist/main.js"))).toBe(true);
    expect(existsSync(join(app, "dist/messenger.config.js"))).toBe(true);
  }, 120_000);

  const backends = [
    { name: "SQLite", up: true, dsn: (file: string) => `sqlite://${join(work, `${file}.sqlite`)}` },
    {
      name: "PostgreSQL",
      up: pgUp,
      dsn: (table: string) =>
        `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}?schema=${schema}&table_name=${table}`,
    },
  ];

  describe.each(backends)("on $name", ({ up, dsn }) => {
    it.skipIf(!up)(
      "runs the program, then the messenger bin's worker handles every message",
      async () => {
        const env = { MESSENGER_TRANSPORT_DSN: dsn("typescript_app") };
        const program = await inApp(app, process.execPath, ["dist/main.js", ...RECIPIENTS], env);
        expect(program.stdout).toBe(
          "preview: Welcome aboard, ada@example.com!\nqueued 3 welcome e-mail(s)\n",
        );

        const worker = await consume(app, ["--config", "dist/messenger.config.js"], env);
        for (const to of RECIPIENTS)
          expect(worker.stdout).toContain(`sent to ${to}: Welcome aboard, ${to}!\n`);
        expect(handledLines(worker)).toBe(RECIPIENTS.length);
      },
      120_000,
    );

    it.skipIf(!up)(
      "runs the plain-JavaScript config: its command queues, the worker handles",
      async () => {
        const env = { MESSENGER_TRANSPORT_DSN: dsn("plain_js_app") };
        const cwd = join(app, "plain-js");
        const queued = await inApp(cwd, messengerBin(), ["app:welcome", ...RECIPIENTS], env);
        expect(queued.stderr).toContain("Queued 3 welcome e-mail(s).");

        const worker = await consume(cwd, [], env);
        for (const to of RECIPIENTS)
          expect(worker.stdout).toContain(`sent to ${to}: Welcome aboard, ${to}!\n`);
        expect(handledLines(worker)).toBe(RECIPIENTS.length);
      },
      120_000,
    );
  });
});

/** `messenger:consume async` until the three messages are handled (or a minute passed). */
function consume(cwd: string, config: string[], env: Record<string, string>) {
  return inApp(
    cwd,
    messengerBin(),
    [...config, "messenger:consume", "async", "--limit=3", "--time-limit=60", "-vv", "--no-ansi"],
    env,
  );
}

function handledLines({ stdout, stderr }: { stdout: string; stderr: string }): number {
  return (
    `${stdout}${stderr}`.match(/Message app\.send_welcome_email \(id \S+\) handled successfully/g)?.length ??
    0
  );
}

/** Where the application's tree holds a package, relative to the application. */
function copiesOf(name: string): string[] {
  const found: string[] = [];
  const visit = (modules: string, prefix: string) => {
    if (!existsSync(modules)) return;
    if (existsSync(join(modules, name, "package.json"))) found.push(`${prefix}node_modules/${name}`);
    for (const entry of readdirSync(modules)) {
      const scoped = entry.startsWith("@")
        ? readdirSync(join(modules, entry)).map((e) => `${entry}/${e}`)
        : [entry];
      for (const pkg of scoped) visit(join(modules, pkg, "node_modules"), `${prefix}node_modules/${pkg}/`);
    }
  };
  visit(join(app, "node_modules"), "");
  return found;
}
