import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Envelope, isListableReceiver } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  createLeadgenApp,
  DiscoverLeadsMessage,
  GenerateOfferMessage,
  GenerateProposalMessage,
  type LeadgenApp,
  SendEmailMessage,
  SyncAresDataMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { CONSOLE_BIN, runConsole } from "../support/console.js";

/**
 * The application's commands as an operator runs them: `bin/console` child processes on one
 * SQLite file, inline (the service runs in the command) and with --async (a message waits in its
 * queue), and bad input refused with exit code 2 and the value named.
 */
const directory = mkdtempSync(join(tmpdir(), "leadgen-console-"));
const env = { LEADGEN_SQLITE_PATH: join(directory, "leadgen.sqlite"), LEADGEN_LATENCY_MS: "0" };
let app: LeadgenApp;

beforeAll(async () => {
  const load = await runConsole(["app:fixtures:load"], env);
  expect(load.stderr).toContain("[OK] Loaded the fixtures");
  expect(load.code).toBe(0);
  app = await createLeadgenApp({ env });
}, 30_000);

afterAll(async () => {
  await app?.close();
  rmSync(directory, { recursive: true, force: true });
});

async function queued(transport: string): Promise<Envelope[]> {
  const receiver = app.messenger.getTransport(transport);
  if (!isListableReceiver(receiver)) throw new Error(`${transport} cannot list`);
  return [...(await receiver.all())];
}

describe("inline (no --async): the command runs the service itself", () => {
  it("app:lead:analyze analyses the lead and writes the analysis; the .invalid website fails with exit 1", async () => {
    const [ok, failing] = await Promise.all([
      runConsole(["app:lead:analyze", "4"], env),
      runConsole(["app:lead:analyze", "6"], env),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^Lead 4 Stavby Horák \(http:\/\/stavby-horak\.cz\/\): score \d+, \d+ issues?$/m,
    );
    expect((await app.store.latestAnalysis(4))?.url).toBe("http://stavby-horak.cz/");
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("[ERROR] Lead 6 Nefunkční web: Website https://nefunkcni-web.invalid/");
    expect(failing.stderr).toContain("[WEBSITE_UNREACHABLE]");
    expect(await app.store.latestAnalysis(6)).toBeUndefined();
    expect(await queued("normal")).toEqual([]);
    // As the handler does, the analysed page goes on to a screenshot; the failed one does not.
    expect(ok.stderr).toContain('each analysed page sent to a screenshot on "low_priority"');
    expect((await queued("low_priority")).map((e) => e.message)).toEqual([
      new TakeScreenshotMessage(4, "http://stavby-horak.cz/"),
    ]);
  }, 30_000);

  it("the other commands call their services: proposal, offer, ARES, discovery, e-mail", async () => {
    const runs = await Promise.all([
      runConsole(["app:proposal:generate", "1", "--user=1", "--type=seo"], env),
      runConsole(["app:offer:generate", "2", "-u", "2"], env),
      runConsole(["app:company:sync-ares", "--ico=25610341,04712391"], env),
      runConsole(["app:lead:discover", "--source=google_maps", "--query=pekarna Ostrava", "--limit=2"], env),
      runConsole(["app:email:send", "2"], env),
    ]);
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const [proposal, offer, ares, discovery, email] = runs;
    expect(proposal!.stdout).toMatch(/^Title +Search visibility for Kavárna U Mostu$/m);
    expect(proposal!.stdout).toMatch(/^Type +seo$/m);
    expect(offer!.stdout).toMatch(/^Total +[\d ]+ CZK$/m);
    expect(ares!.stdout).toMatch(/^25610341 .+ CZ25610341 +\d+$/m);
    expect((await app.store.findCompanyByIco("04712391"))?.aresStatus).toBe("synced");
    expect(discovery!.stderr).toContain("google_maps found 2 companies: 2 new leads, each sent to analysis");
    expect(email!.stdout).toMatch(/^To +servis@autoservis-dvorak\.cz$/m);
    expect((await app.store.findEmailByOffer(2))?.status).toBe("sent");
    // The discovery sends its new leads on to analysis, as the handler does.
    const analyses = (await queued("normal")).map((e) => e.message);
    expect(analyses).toHaveLength(2);
    expect(analyses.every((m) => m instanceof AnalyzeLeadMessage)).toBe(true);
  }, 30_000);

  it("an inline run of a retryable failure says how to get retries", async () => {
    const run = await runConsole(["app:company:sync-ares", "--ico=00000000"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ARES did not answer for IČO 00000000");
    expect(run.stderr).toContain("use --async and let the queue retry it");
  }, 30_000);
});

describe("--async: the command dispatches to the queue the seed routes the message to", () => {
  it("each command's message waits in its queue, and the command prints where and under which id", async () => {
    const before = {
      normal: (await queued("normal")).length,
      high: (await queued("high_priority")).length,
      low: (await queued("low_priority")).length,
    };
    const runs = await Promise.all([
      runConsole(["app:lead:analyze", "--async", "--limit=1", "--reanalyze", "--industry=cafes"], env),
      runConsole(["app:proposal:generate", "3", "--user=2", "--type=eshop", "--analysis=3", "--async"], env),
      runConsole(["app:offer:generate", "1", "--user=1", "--proposal=1", "--async"], env),
      runConsole(["app:company:sync-ares", "--ico=25610341", "--ico=00000000,04712391", "--async"], env),
      runConsole(["app:lead:discover", "--query=autoservis Brno", "--async"], env),
      runConsole(["app:email:send", "3", "--async"], env),
    ]);
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(runs[0]!.stdout).toMatch(/^Lead 1 Kavárna U Mostu: AnalyzeLeadMessage to normal \(id \d+\)$/m);
    expect(runs[5]!.stdout).toMatch(/^Offer 3: SendEmailMessage to high_priority \(id \d+\)$/m);

    const normal = (await queued("normal")).slice(before.normal).map((e) => e.message);
    expect(normal).toContainEqual(new AnalyzeLeadMessage(1, true, "cafes"));
    expect(normal).toContainEqual(new GenerateProposalMessage(3, 2, "eshop", 3));
    expect(normal).toContainEqual(new GenerateOfferMessage(1, 1, 1));
    expect(normal).toContainEqual(new SyncAresDataMessage(["25610341", "00000000", "04712391"]));
    expect(normal).toHaveLength(4);
    const low = (await queued("low_priority")).slice(before.low).map((e) => e.message);
    expect(low).toEqual([new DiscoverLeadsMessage("firmy_cz", "autoservis Brno", 10)]);
    const high = (await queued("high_priority")).slice(before.high);
    expect(high.map((e) => e.message)).toEqual([new SendEmailMessage(3, null)]);
    // Nothing was done inline: offer 3's e-mail is not sent.
    expect(await app.store.findEmailByOffer(3)).toBeUndefined();
  }, 30_000);
});

describe("app:serve", () => {
  it("serves the endpoints with the thresholds of its options until SIGTERM, then exits 0", async () => {
    // No --host: loopback by default.
    const server = spawn(process.execPath, [CONSOLE_BIN, "app:serve", "--port=0", "--max-depth=3"], {
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const listening = new Promise<string>((resolve) =>
      server.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        const url = /Listening on (http:\/\/[\d.]+:\d+)/.exec(stderr)?.[1];
        if (url) resolve(url);
      }),
    );
    const exited = once(server, "exit");
    try {
      const base = await listening;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${base}/health`);
      // The --async test above left 6 messages in normal: more than --max-depth=3.
      expect(health.status).toBe(503);
      expect(((await health.json()) as { problems: string[] }).problems).toContain(
        "normal holds 6 messages (more than 3)",
      );
    } finally {
      server.kill("SIGTERM");
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr).toContain("[NOTE] Server stopped.");
  }, 30_000);
});

describe("app:screenshot:take", () => {
  it("takes a lead's website inline, or a page by URL for the lead with that website", async () => {
    const [byLead, byUrl] = await Promise.all([
      runConsole(["app:screenshot:take", "1"], env),
      runConsole(["app:screenshot:take", "http://stavby-horak.cz"], env),
    ]);
    expect({ code: byLead.code, stderr: byLead.stderr }).toMatchObject({ code: 0 });
    expect(byLead.stdout).toMatch(
      /^Lead 1 Kavárna U Mostu \(https:\/\/kavarna-u-mostu\.cz\/\): screenshot \d+, 1440×900, sha256 [0-9a-f]{12}$/m,
    );
    expect(byLead.stderr).toContain("[OK] Took 1 screenshot.");
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout).toMatch(/^Lead 4 Stavby Horák \(http:\/\/stavby-horak\.cz\/\): screenshot \d+/m);
    expect((await app.store.listScreenshots(1)).map((s) => s.url)).toEqual(["https://kavarna-u-mostu.cz/"]);
    expect((await app.store.listScreenshots(4)).map((s) => s.url)).toEqual(["http://stavby-horak.cz/"]);
  }, 30_000);

  it("with --async dispatches a TakeScreenshotMessage to low_priority; --lead names the lead of any page", async () => {
    const before = (await queued("low_priority")).length;
    const run = await runConsole(
      ["app:screenshot:take", "https://kavarna-u-mostu.cz/menu", "--lead=1", "--async"],
      env,
    );
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      /^Lead 1 Kavárna U Mostu \(https:\/\/kavarna-u-mostu\.cz\/menu\): TakeScreenshotMessage to low_priority \(id \d+\)$/m,
    );
    expect((await queued("low_priority")).slice(before).map((e) => e.message)).toEqual([
      new TakeScreenshotMessage(1, "https://kavarna-u-mostu.cz/menu"),
    ]);
    expect((await app.store.listScreenshots(1)).map((s) => s.url)).not.toContain(
      "https://kavarna-u-mostu.cz/menu",
    );
  }, 30_000);

  it("a website on the reserved .invalid domain fails inline with exit 1", async () => {
    const run = await runConsole(["app:screenshot:take", "6"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("nefunkcni-web.invalid is on the reserved .invalid domain");
    expect(run.stderr).toContain("[WEBSITE_UNREACHABLE]");
  }, 30_000);
});

describe("bad input: a usage error (exit 2) naming the value and what is allowed", () => {
  it.concurrent.each([
    [["app:company:sync-ares", "--ico=25610341,12345678"], '"12345678" is not a valid IČO'],
    [["app:company:sync-ares"], "required option '-i, --ico <ico>' not specified"],
    [["app:lead:analyze", "abc"], '"abc" is not an id'],
    [["app:lead:analyze", "--limit=0"], '"0" is not a positive integer'],
    [["app:lead:analyze", "--industry=Cafés"], '"Cafés" is not an industry name'],
    [
      ["app:proposal:generate", "1", "--user=1", "--type=brochure"],
      '"brochure" is not allowed; use one of: redesign, new_website, eshop, seo',
    ],
    [
      ["app:lead:discover", "--source=yellow_pages", "--query=x"],
      '"yellow_pages" is not allowed; use one of: firmy_cz',
    ],
    [
      ["app:lead:discover", "--query=x", "--limit=500"],
      '"500" is not allowed: expected a whole number from 1 to 100',
    ],
    [["app:email:send", "-3"], '"-3" is not an id'],
    [["app:lead:analyze", "99"], "Lead 99 does not exist."],
    [["app:screenshot:take", "ftp://x.cz"], '"ftp://x.cz" is neither a lead id nor a URL'],
    [["app:screenshot:take", "99"], "Lead 99 does not exist."],
    [
      ["app:screenshot:take", "https://nobody.example/"],
      "No lead has the website https://nobody.example/; pass --lead=<id>",
    ],
    [["app:screenshot:take", "1", "--lead=2"], "--lead goes with a URL"],
  ])(
    "%j",
    async (args, message) => {
      const run = await runConsole(args, env);
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(2);
    },
    30_000,
  );
});
