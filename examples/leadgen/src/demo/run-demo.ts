// Entry of bin/demo (`npm run demo`). reflect-metadata first: tsyringe reads the handlers' constructor types through it.
import "reflect-metadata";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { relative } from "node:path";
import { isListableReceiver, isMessageCountAware, TransportMessageIdStamp } from "@messenger-ts/core";
import { createLeadgenApp } from "../app/create-leadgen-app.js";
import { databaseScheduleStore } from "../app/database-schedule-store.js";
import type { LeadgenApp } from "../app/leadgen-app.js";
import { FAILURE_TRANSPORT, PRIORITY_ORDER, RETRY_STRATEGIES } from "../config/messenger.js";
import { SCHEDULE_NAME, SCHEDULE_TRANSPORT } from "../config/schedule.js";
import { loadFixtures } from "../fixtures/load-fixtures.js";
import { createLeadgenServer } from "../http/leadgen-server.js";
import type { MysqlDomainStore } from "../store/mysql-domain-store.js";
import type { PostgresDomainStore } from "../store/postgres-domain-store.js";
import type { SqliteDomainStore } from "../store/sqlite-domain-store.js";
import { CONSOLE_BIN, ConsoleProcess, runConsole } from "./console-process.js";
import { dispatchDemoMessages } from "./demo-dispatches.js";
import { resolveDemoEnvironment } from "./demo-environment.js";
import { emptyQueues } from "./empty-queues.js";

/** The failure inputs the demo sends: the undeliverable e-mail, the .invalid website, IČO 00000000. */
const EXPECTED_FAILURES = 3;
/** The demo gives up waiting for the workers after this long. */
const DEADLINE_MS = 45_000;
/** How long the queues must stay empty before the work counts as done (longer than any demo retry delay). */
const SETTLE_MS = 1_000;
const DAY = 86_400_000;

const out = (line = "") => process.stdout.write(`${line}\n`);
const indent = (text: string, by = "   ") =>
  text
    .replace(/\n+$/, "")
    .split("\n")
    .map((line) => (line === "" ? "" : `${by}${line}`))
    .join("\n");
const section = (title: string) => {
  out();
  out(title);
  out("-".repeat(title.length));
};

async function main(): Promise<number> {
  const started = performance.now();
  const demo = resolveDemoEnvironment(process.env);
  const env = demo.env as NodeJS.ProcessEnv;
  const scale = Number(env.LEADGEN_RETRY_DELAY_SCALE);
  const ms = (delay: number) => `${Math.round(delay * scale)} ms`;

  out("messenger-ts demo: the lead-generation job queues of the seed (examples/leadgen)");
  out("==============================================================================");
  out(`Data          ${demo.database}`);
  out(`Queues        ${demo.queues}`);
  out(
    `Retry delays  scaled ×${scale} for the demo (LEADGEN_RETRY_DELAY_SCALE): the first retry waits ${ms(RETRY_STRATEGIES.high_priority.delay)} (high), ${ms(RETRY_STRATEGIES.normal.delay)} (normal), ${ms(RETRY_STRATEGIES.low_priority.delay)} (low) instead of the seed's 1 s, 5 s, 30 s`,
  );
  out(
    `Latency       the simulated outside world: an analysis takes ${env.LEADGEN_LATENCY_MS} ms (LEADGEN_LATENCY_MS)`,
  );

  const app = await createLeadgenApp({ env: demo.env });
  const workers: ConsoleProcess[] = [];
  const server = createLeadgenServer(app, { env: demo.env });
  try {
    await app.setup();
    if (demo.sharedBackend) {
      const removed = await emptyQueues(app);
      out(`Emptied the queues of earlier runs (${removed} message${removed === 1 ? "" : "s"} removed).`);
    }

    section("1. Fixtures (what app:fixtures:load loads)");
    const fixtures = await loadFixtures(app);
    const counts = await app.store.counts();
    out(
      indent(
        Object.entries(counts)
          .filter(([, rows]) => rows > 0)
          .map(([table, rows]) => `${rows} ${table}`)
          .join(", "),
      ),
    );

    section("2. Outages of the simulated outside world");
    await app.services.outages.clear();
    await app.services.outages.simulate("ses", 1);
    await app.services.outages.simulate("ai", 2);
    out(
      indent(
        "SES fails its next call and the AI model its next 2: those messages are retried, then succeed.",
      ),
    );

    section("3. Dispatch: the console, the bus, the HTTP endpoints");
    out(indent("$ bin/console app:lead:analyze --async"));
    const analyze = await runConsole(["app:lead:analyze", "--async"], env);
    out(indent(analyze.output, "     "));
    if (analyze.code !== 0) throw new Error(`app:lead:analyze --async exited with ${analyze.code}`);
    out(indent("(lead 6's website is on .invalid: its analysis FAILS, straight to failed)"));
    out();
    out(indent("On the bus:"));
    const rows = await dispatchDemoMessages(app, fixtures);
    const width = Math.max(...rows.map((row) => row.sent.length));
    const inputWidth = Math.max(...rows.map((row) => row.input.length));
    for (const row of rows)
      out(indent(`${row.sent.padEnd(width)}  ${row.input.padEnd(inputWidth)}  ${row.expect}`, "     "));
    out();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const proposal = { leadId: fixtures.leads.kavarna, userId: fixtures.users.jana, proposalType: "eshop" };
    const proposalResponse = await post(`${base}/proposals`, proposal);
    out(indent(`POST /proposals ${JSON.stringify(proposal)}`));
    out(indent(`→ ${proposalResponse.status} ${JSON.stringify(proposalResponse.body)}`, "     "));

    section("4. Workers: the seed's production split, and the scheduler");
    // As after a week without a scheduler: it catches up with one run of each task when it starts.
    const weekAgo = app.clock.now() - 8 * DAY;
    await databaseScheduleStore(
      app.store as SqliteDomainStore | PostgresDomainStore | MysqlDomainStore,
      app.clock,
    ).save(`schedule:${SCHEDULE_NAME}`, { time: weekAgo, index: -1, from: weekAgo });
    const limits = ["--time-limit=120", "--memory-limit=256M", "-vv"];
    const plan: [label: string, receivers: string[]][] = [
      ["high      ", ["high_priority"]],
      ["normal+low", ["normal", "low_priority"]],
      ["scheduler ", [SCHEDULE_TRANSPORT]],
    ];
    for (const [, receivers] of plan)
      out(indent(`$ bin/console messenger:consume ${[...receivers, ...limits].join(" ")}`));
    out(
      indent(
        "(time limit 120 s instead of the seed's 3600, so nothing outlives the demo; the scheduler's checkpoint is set a week back, so it catches up with one run of each task)",
      ),
    );
    out();
    for (const [label, receivers] of plan) {
      workers.push(
        new ConsoleProcess(["messenger:consume", ...receivers, ...limits], env, (line) => {
          // Each message's "Received" line and the banner's hints are left out: one line per outcome is enough here.
          if (/^\d\d:\d\d:\d\d INFO +Received message/.test(line) || line.startsWith("//")) return;
          out(`   [${label}] ${line}`);
        }),
      );
    }

    const settled = await waitForWorkers(app, workers, base, fixtures.offers.kavarna);
    out();
    out(indent("$ bin/console messenger:stop-workers"));
    const stop = await runConsole(["messenger:stop-workers"], env);
    out(indent(stop.output, "     "));
    // Up to 10 s for the messages in hand; then SIGTERM (a graceful stop too).
    await Promise.race([Promise.all(workers.map((w) => w.exited)), delay(10_000, { unref: true })]);
    for (const worker of workers) worker.terminate();
    const codes = await Promise.all(workers.map((w) => w.exited));
    out(indent(`Workers exited with ${codes.join(", ")}.`));

    section("5. Results");
    for (const args of [["messenger:stats"], ["messenger:failed:show"]]) {
      out(indent(`$ bin/console ${args.join(" ")}`));
      out(indent((await runConsole(args, env)).output, "     "));
      out();
    }
    const health = await fetch(`${base}/health`);
    out(indent(`GET /health → ${health.status}`));
    out(indent(await health.text(), "     "));
    out();
    out(indent("What the handlers wrote:"));
    const after = await app.store.counts();
    out(
      indent(
        Object.entries(after)
          .filter(([table, rows]) => rows > 0 && table !== "outages")
          .map(
            ([table, rows]) =>
              `${rows} ${table}${rows === counts[table as keyof typeof counts] ? "" : ` (was ${counts[table as keyof typeof counts] ?? 0})`}`,
          )
          .join(", "),
        "     ",
      ),
    );

    section("6. Next commands to try");
    const fromHere = relative(process.cwd(), CONSOLE_BIN);
    const bin = fromHere.startsWith("..") ? CONSOLE_BIN : fromHere;
    const failedIds = await failedMessageIds(app);
    const aresId = failedIds.get("SyncAresDataMessage") ?? "<id>";
    const emailId = failedIds.get("SendEmailMessage") ?? "<id>";
    out(indent(`export ${[...demo.exports, `LEADGEN_RETRY_DELAY_SCALE=${scale}`].join(" ")}`));
    const next = [
      [`${bin} messenger:failed:show ${aresId} -vv`, "one failed message: its error, its retries"],
      [
        `${bin} messenger:failed:retry ${aresId} --force`,
        "retry it (ARES is still down for it: it fails again)",
      ],
      [`${bin} messenger:failed:remove ${emailId} --force`, "give up on the undeliverable e-mail"],
      [`${bin} app:lead:analyze --async --limit=1`, "queue one analysis"],
      [
        `${bin} messenger:consume high_priority normal low_priority -vv --limit=1`,
        "the development worker, all queues in priority order",
      ],
      [`${bin} debug:messenger`, "messages and handlers"],
      [`${bin} debug:scheduler`, "the schedule and its next runs"],
      [`${bin} app:serve --port=8080`, "the HTTP endpoints (curl localhost:8080/health)"],
    ];
    const commandWidth = Math.max(...next.map(([command]) => command!.length));
    for (const [command, why] of next) out(indent(`${command!.padEnd(commandWidth)}  # ${why}`));
    out();
    out(
      indent(
        "Other backends: DATABASE_URL=postgres://user@host/db npm run demo (data and queues in PostgreSQL),",
      ),
    );
    out(indent("MESSENGER_TRANSPORT_DSN=redis://host:6379 npm run demo (the queues on Redis streams),"));
    out(
      indent(
        "MESSENGER_TRANSPORT_DSN=amqp://guest:guest@host:5672/%2f/messages npm run demo (the queues on RabbitMQ).",
      ),
    );
    out();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!settled) {
      out(
        `The workers did not finish the demo's messages within ${DEADLINE_MS / 1000} s (see above); done in ${seconds} s.`,
      );
      return 1;
    }
    out(`Done in ${seconds} s.`);
    return codes.every((code) => code === 0) ? 0 : 1;
  } finally {
    for (const worker of workers) worker.terminate();
    server.close();
    server.closeAllConnections();
    await app.close();
  }
}

/**
 * Waits until the workers are done: the queues stay empty (no message waiting, delayed or in
 * progress) for a while, the failure inputs have reached `failed`, the scheduler has sent its
 * catch-up runs, and the SES webhook of the e-mail sent for `offerId` (posted once that e-mail
 * exists) has been handled. Prints progress every two seconds.
 */
async function waitForWorkers(app: LeadgenApp, workers: ConsoleProcess[], base: string, offerId: number) {
  const started = performance.now();
  const scheduled = app.schedule.getRecurringMessages().length;
  const scheduler = workers.at(-1)!;
  let webhookPosted = false;
  let emptySince: number | undefined;
  let lastProgress = started;
  while (performance.now() - started < DEADLINE_MS) {
    await delay(200);
    const email = await app.store.findEmailByOffer(offerId);
    if (email && !webhookPosted) {
      webhookPosted = true;
      const notification = {
        notificationType: "Delivery",
        mail: { messageId: email.providerMessageId, destination: [email.recipient] },
        delivery: { recipients: [email.recipient], smtpResponse: "250 2.6.0 Message received" },
      };
      // As SES delivers it: through SNS, the notification as text in the envelope's Message.
      const response = await post(`${base}/webhooks/ses`, {
        Type: "Notification",
        Message: JSON.stringify(notification),
      });
      out(
        `   POST /webhooks/ses (SES: the e-mail of offer ${offerId} was delivered) → ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    const empty = await queuesEmpty(app);
    const failed = await count(app, FAILURE_TRANSPORT);
    const emitted = scheduler.lines.filter((line) => /handled successfully/.test(line)).length;
    const done =
      empty && failed >= EXPECTED_FAILURES && emitted >= scheduled && email?.status === "delivered";
    emptySince = done ? (emptySince ?? performance.now()) : undefined;
    if (emptySince !== undefined && performance.now() - emptySince >= SETTLE_MS) return true;
    if (performance.now() - lastProgress >= 2_000) {
      lastProgress = performance.now();
      const handled = workers.reduce(
        (n, w) => n + w.lines.filter((line) => /handled successfully/.test(line)).length,
        0,
      );
      const waiting = await Promise.all(
        PRIORITY_ORDER.map(async (name) => `${name} ${await count(app, name)}`),
      );
      out(`   … ${handled} messages handled, ${failed} failed; waiting: ${waiting.join(", ")}`);
    }
  }
  return false;
}

/** No message in any queue: waiting, delayed for a retry, or being handled. */
async function queuesEmpty(app: LeadgenApp): Promise<boolean> {
  for (const name of PRIORITY_ORDER) {
    const transport = app.messenger.getTransport(name);
    if (isListableReceiver(transport) && (await transport.all(1)).length > 0) return false;
  }
  return true;
}

async function count(app: LeadgenApp, name: string): Promise<number> {
  const transport = app.messenger.getTransport(name);
  return isMessageCountAware(transport) ? transport.getMessageCount() : 0;
}

/** The id in the failure transport of the (first) failed message of each class. */
async function failedMessageIds(app: LeadgenApp): Promise<Map<string, string | number>> {
  const ids = new Map<string, string | number>();
  const transport = app.messenger.getTransport(FAILURE_TRANSPORT);
  if (!isListableReceiver(transport)) return ids;
  for (const envelope of await transport.all(10)) {
    const id = envelope.last(TransportMessageIdStamp)?.id;
    const name = envelope.message.constructor.name;
    if (id !== undefined && !ids.has(name)) ids.set(name, id);
  }
  return ids;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

function delay(ms: number, options: { readonly unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A timer that only bounds a wait must not keep the process alive once the wait is over.
    if (options.unref) timer.unref();
  });
}

process.exitCode = await main();
