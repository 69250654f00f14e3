import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { requireService } from "@messenger-ts/core/testing";
import { PostgresDomainStore } from "@messenger-ts/example-leadgen";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm run demo` is scripts/setup.sh (install, build) and then examples/leadgen/bin/demo: this
 * runs that program as the script does, on a machine without any database server (SQLite in a
 * temporary directory) and with DATABASE_URL on PostgreSQL, and reads its output as a user would.
 */
const require = createRequire(import.meta.url);
const leadgen = dirname(require.resolve("@messenger-ts/example-leadgen/package.json"));
const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};
const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });
// The demo leaves its SQLite file for the commands it suggests: here it goes in a directory of the test's.
const temp = mkdtempSync(join(tmpdir(), "demo-test-"));

afterAll(() => rmSync(temp, { recursive: true, force: true }));

function runDemo(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(leadgen, "bin/demo")],
      {
        cwd: join(leadgen, "../.."),
        env: { PATH: process.env.PATH ?? "", TMPDIR: temp, ...env },
        timeout: 90_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** What every run must show, whatever the backend. */
function expectTheDemo(stdout: string): void {
  expect(stdout).toContain("Retry delays  scaled ×0.01 for the demo (LEADGEN_RETRY_DELAY_SCALE)");
  // All nine messages were dispatched: the console, the bus and the HTTP endpoints.
  expect(stdout).toMatch(
    /\$ bin\/console app:lead:analyze --async\n +Lead 4 Stavby Horák: AnalyzeLeadMessage to normal/,
  );
  for (const message of [
    "SendEmailMessage to high_priority",
    "GenerateOfferMessage to normal",
    "SyncAresDataMessage to normal",
    "DiscoverLeadsMessage to low_priority",
    "TakeScreenshotMessage to low_priority",
    "CalculateBenchmarksMessage to low_priority",
  ]) {
    expect(stdout).toContain(message);
  }
  expect(stdout).toMatch(
    /→ 202 \{"status":"accepted","message":"GenerateProposalMessage","transport":"normal","id":/,
  );
  expect(stdout).toMatch(
    /POST \/webhooks\/ses .*→ 202 .*"message":"ProcessSesWebhookMessage","transport":"high_priority"/,
  );
  // Two workers (the seed's production split) and the scheduler, as child processes, retrying.
  expect(stdout).toContain(
    "$ bin/console messenger:consume high_priority --time-limit=120 --memory-limit=256M -vv",
  );
  expect(stdout).toContain(
    "$ bin/console messenger:consume normal low_priority --time-limit=120 --memory-limit=256M -vv",
  );
  expect(stdout).toContain(
    "$ bin/console messenger:consume scheduler_leadgen --time-limit=120 --memory-limit=256M -vv",
  );
  expect(stdout).toMatch(/\[high {6}\] .* Sent leadgen\.send_email \(id \d+\) for retry #1/);
  expect(stdout).toMatch(
    /\[normal\+low\] .* Message leadgen\.generate_proposal \(id \d+\) handled successfully/,
  );
  // Each line names the task that fired, its schedule and its trigger.
  expect(stdout).toMatch(
    /\[scheduler \] .* Message RedispatchMessage \[task leadgen\.expire_proposals:\{\} via low_priority of schedule "leadgen", 0 1 \* \* \* \(Europe\/Prague\)\] handled successfully/,
  );
  expect(stdout).toMatch(
    /\[normal\+low\] .* Message leadgen\.expire_proposals \(id \d+\) \[of schedule "leadgen", 0 1 \* \* \* \(Europe\/Prague\)\] handled successfully/,
  );
  expect(stdout).toContain("Workers exited with 0, 0, 0.");

  // The statistics table: every queue empty, the three failure inputs in failed.
  const stats = /\$ bin\/console messenger:stats\n([\s\S]*?)\n\n/.exec(stdout)?.[1];
  expect(stats?.split("\n").map((line) => line.trim())).toEqual([
    "Transport      Count",
    "high_priority  0",
    "normal         0",
    "low_priority   0",
    "failed         3",
  ]);
  // The failed messages, each with its error: the undeliverable e-mail, the .invalid website, IČO 00000000.
  const failed = /\$ bin\/console messenger:failed:show\n([\s\S]*?)\n\n/.exec(stdout)?.[1] ?? "";
  expect(failed).toContain("There are 3 messages pending in the failure transport.");
  expect(failed).toMatch(
    /SendEmailMessage +\S+ \S+ +SES rejected the message to "info@ztracena-adresa\.invalid"/,
  );
  expect(failed).toMatch(
    /AnalyzeLeadMessage +\S+ \S+ +Website https:\/\/nefunkcni-web\.invalid\/ cannot be analysed/,
  );
  expect(failed).toMatch(/SyncAresDataMessage +\S+ \S+ +ARES did not answer for IČO 00000000/);
  expect(stdout).toMatch(/GET \/health → 200\n +\{\n +"status": "ok"/);

  expect(stdout).toContain("6. Next commands to try");
  expect(stdout).toMatch(/examples\/leadgen\/bin\/console messenger:failed:retry \S+ --force/);
  expect(stdout).toMatch(/\nDone in \d+\.\d s\.\n$/);
}

describe("the leadgen demo (what `npm run demo` runs after the build)", () => {
  it("on a machine without database servers: SQLite in a temporary directory", async () => {
    const { code, stdout, stderr } = await runDemo({});
    expect(stderr).toBe("");
    expectTheDemo(stdout);
    expect(stdout).toMatch(
      /^Data {10}SQLite \S+leadgen-demo-\w+\/leadgen\.sqlite \(a fresh temporary directory\)$/m,
    );
    expect(stdout).toMatch(
      /^ +export LEADGEN_SQLITE_PATH=\S+\/leadgen\.sqlite LEADGEN_RETRY_DELAY_SCALE=0\.01$/m,
    );
    expect(code).toBe(0);
  }, 100_000);

  describe.skipIf(!pgUp)("DATABASE_URL=postgres://…", () => {
    const schema = `leadgen_demo_test_${process.pid}`;
    afterAll(async () => {
      const store = new PostgresDomainStore({
        connectionString: `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`,
        schema,
      });
      try {
        await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await store.close();
      }
    });

    it("keeps the data and the queues in PostgreSQL, in the schema LEADGEN_DB_SCHEMA names", async () => {
      const url = `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;
      const { code, stdout, stderr } = await runDemo({ DATABASE_URL: url, LEADGEN_DB_SCHEMA: schema });
      expect(stderr).toBe("");
      expectTheDemo(stdout);
      expect(stdout).toContain(`Data          PostgreSQL ${url}, schema ${schema}`);
      expect(code).toBe(0);
    }, 100_000);
  });
});
