import { defineCommand, ExitCode, UsageError } from "@messenger-ts/cli";
import type { LeadgenApp } from "../../app/leadgen-app.js";
import { parseWebsite } from "../../domain/website.js";
import { TakeScreenshotMessage } from "../../messages/take-screenshot-message.js";
import type { Lead } from "../../store/records.js";
import { parseId, type ScreenshotTarget, screenshotTarget } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface ScreenshotTakeOptions {
  readonly lead?: number;
  readonly async?: boolean;
}

/**
 * `app:screenshot:take <leadId|url>`: renders a page in the headless browser and stores the image
 * for its lead, inline or, with `--async`, as a TakeScreenshotMessage on the low-priority queue.
 * A lead id takes its website; a URL takes that page, for the lead whose website it is or the one
 * `--lead` names (any page of a lead's site).
 */
export const screenshotTakeCommand = defineCommand<ScreenshotTakeOptions>({
  name: "app:screenshot:take",
  description: "Take a screenshot of a lead's website or a page (inline, or with --async on low_priority)",
  configure(command) {
    command
      .argument("<leadId|url>", "a lead (its website) or an http(s) URL", screenshotTarget)
      .option(
        "--lead <id>",
        "the lead a URL's screenshot is stored for (default: the lead with that website)",
        parseId,
      )
      .option("--async", "dispatch a TakeScreenshotMessage instead of taking it here");
  },
  async execute({ args, options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const { lead, url } = await resolveTarget(app, args[0] as ScreenshotTarget, options.lead);
    if (options.async) {
      const envelope = await app.bus.dispatch(new TakeScreenshotMessage(lead.id, url));
      output.writeln(`Lead ${lead.id} ${lead.name} (${url}): ${describeDispatch(envelope)}`);
      output.success(`Dispatched the screenshot; a worker on "low_priority" takes it.`);
      return ExitCode.Success;
    }
    try {
      const screenshot = await app.services.screenshotClient.capture(lead.id, url);
      output.writeln(
        `Lead ${lead.id} ${lead.name} (${screenshot.url}): screenshot ${screenshot.id}, ${screenshot.width}×${screenshot.height}, sha256 ${screenshot.sha256.slice(0, 12)}`,
      );
      output.success("Took 1 screenshot.");
    } catch (error) {
      return reportInlineFailure(output, error, `Lead ${lead.id} ${lead.name}`);
    }
    return ExitCode.Success;
  },
});

async function resolveTarget(
  app: LeadgenApp,
  target: ScreenshotTarget,
  leadOption: number | undefined,
): Promise<{ lead: Lead; url: string }> {
  if ("leadId" in target) {
    if (leadOption !== undefined) {
      throw new UsageError(
        `--lead goes with a URL; for lead ${target.leadId}, its website is taken (pass a URL to take another page).`,
        { code: "CONFLICTING_ARGUMENTS" },
      );
    }
    const lead = await findLead(app, target.leadId);
    if (lead.website === null) {
      throw new UsageError(
        `Lead ${lead.id} ${lead.name} has no website to take a screenshot of; pass a URL with --lead=${lead.id}.`,
        { code: "LEAD_WITHOUT_WEBSITE" },
      );
    }
    return { lead, url: lead.website };
  }
  if (leadOption !== undefined) return { lead: await findLead(app, leadOption), url: target.url };
  // A lead's website as the fixtures and discovery store it may differ in form (no trailing slash).
  for (const lead of await app.store.listLeads({ withWebsite: true })) {
    if (normalised(lead.website) === target.url) return { lead, url: target.url };
  }
  throw new UsageError(
    `No lead has the website ${target.url}; pass --lead=<id> to store its screenshot for a lead.`,
    { code: "NO_LEAD_FOR_WEBSITE" },
  );
}

async function findLead(app: LeadgenApp, id: number): Promise<Lead> {
  const lead = await app.store.findLead(id);
  if (!lead) throw new UsageError(`Lead ${id} does not exist.`, { code: "LEAD_NOT_FOUND" });
  return lead;
}

/** The website as parseWebsite writes it, or undefined for one that is not a URL (never a match). */
function normalised(website: string | null): string | undefined {
  try {
    return parseWebsite(website).url;
  } catch {
    return undefined;
  }
}
