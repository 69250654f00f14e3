import type { LeadgenApp } from "../app/leadgen-app.js";
import { describeDispatch } from "../console/describe-dispatch.js";
import type { LoadedFixtures } from "../fixtures/load-fixtures.js";
import { CalculateBenchmarksMessage } from "../messages/calculate-benchmarks-message.js";
import { DiscoverLeadsMessage } from "../messages/discover-leads-message.js";
import { GenerateOfferMessage } from "../messages/generate-offer-message.js";
import { SendEmailMessage } from "../messages/send-email-message.js";
import { SyncAresDataMessage } from "../messages/sync-ares-data-message.js";
import { TakeScreenshotMessage } from "../messages/take-screenshot-message.js";

/** One line of the demo's dispatch table. */
export interface DemoDispatch {
  /** What was sent and where (`SendEmailMessage to high_priority (id 3)`). */
  readonly sent: string;
  readonly input: string;
  /** What the workers will make of it. */
  readonly expect: string;
}

/**
 * The messages the demo dispatches on the bus itself (the console and the HTTP server dispatch
 * the AnalyzeLeadMessage, GenerateProposalMessage and ProcessSesWebhookMessage): successes,
 * retried outages, and the documented failure inputs.
 */
export async function dispatchDemoMessages(
  app: LeadgenApp,
  fixtures: LoadedFixtures,
): Promise<DemoDispatch[]> {
  const { leads, offers, users, failingInputs } = fixtures;
  const kavarna = (await app.store.findLead(leads.kavarna))!;
  const plan: { message: object; input: string; expect: string }[] = [
    {
      message: new SendEmailMessage(offers.kavarna),
      input: `offer ${offers.kavarna} (Kavárna U Mostu)`,
      expect: "SES is down for 1 call: retried, then sent",
    },
    {
      message: new SendEmailMessage(failingInputs.undeliverableOfferId),
      input: `offer ${failingInputs.undeliverableOfferId} (info@ztracena-adresa.invalid)`,
      expect: "FAILS: SES rejects the address, straight to failed",
    },
    {
      message: new GenerateOfferMessage(leads.pekarna, users.petr),
      input: `lead ${leads.pekarna} (Pekárna Novák)`,
      expect: "priced from its proposal; the AI model may be down: retried",
    },
    {
      message: new SyncAresDataMessage(fixtures.icos),
      input: `${fixtures.icos.length} IČOs of the fixture companies`,
      expect: "synced from ARES",
    },
    {
      message: new SyncAresDataMessage([failingInputs.aresIco]),
      input: `IČO ${failingInputs.aresIco}`,
      expect: "FAILS: ARES never answers, 3 retries, then failed",
    },
    {
      message: new DiscoverLeadsMessage("zivefirmy_cz", "kavarna Brno", 3),
      input: `zivefirmy_cz "kavarna Brno", 3 results`,
      expect: "new leads, each sent on to analysis (normal), then to a screenshot (low_priority)",
    },
    {
      message: new TakeScreenshotMessage(leads.kavarna, kavarna.website!),
      input: kavarna.website!,
      expect: "a 1440×900 screenshot",
    },
    {
      message: new CalculateBenchmarksMessage("week", "cafes"),
      input: "week, industry cafes",
      expect: "last week's score benchmark",
    },
  ];
  const dispatched: DemoDispatch[] = [];
  for (const { message, input, expect } of plan) {
    dispatched.push({ sent: describeDispatch(await app.bus.dispatch(message)), input, expect });
  }
  return dispatched;
}
