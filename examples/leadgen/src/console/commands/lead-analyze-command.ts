import { defineCommand, ExitCode, positiveInteger, UsageError } from "@messenger-ts/cli";
import type { LeadgenApp } from "../../app/leadgen-app.js";
import { AnalyzeLeadMessage } from "../../messages/analyze-lead-message.js";
import { TakeScreenshotMessage } from "../../messages/take-screenshot-message.js";
import type { Lead } from "../../store/records.js";
import { industryName, recordId } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { plural, reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface LeadAnalyzeOptions {
  readonly async?: boolean;
  readonly limit?: number;
  readonly reanalyze?: boolean;
  readonly industry?: string;
}

/**
 * `app:lead:analyze [leadIds...]`: runs the website analysers on leads, inline (the seed's
 * command) or, with `--async`, as one AnalyzeLeadMessage per lead on the normal queue. Either way
 * an analysed page is sent on to a screenshot (TakeScreenshotMessage, low_priority). Without
 * ids it takes the leads with a website that have no analysis yet (every one with `--reanalyze`),
 * in id order, up to `--limit`.
 */
export const leadAnalyzeCommand = defineCommand<LeadAnalyzeOptions>({
  name: "app:lead:analyze",
  description: "Analyse leads' websites (inline, or with --async on the normal queue)",
  configure(command) {
    command
      .argument("[leadIds...]", "the leads to analyse (default: those not analysed yet)", recordId)
      .option("--async", "dispatch an AnalyzeLeadMessage per lead instead of analysing here")
      .option("-l, --limit <count>", "analyse at most this many leads", positiveInteger)
      .option("--reanalyze", "analyse again leads that already have an analysis")
      .option("--industry <name>", "only leads of this industry (e.g. cafes)", industryName);
  },
  async execute({ args, options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const leads = await chooseLeads(app, (args[0] as number[] | undefined) ?? [], options);
    if (leads.length === 0) {
      output.note(
        options.reanalyze
          ? "No lead matches."
          : "No lead left to analyse (add --reanalyze to analyse again).",
      );
      return ExitCode.Success;
    }
    const industryFilter = options.industry ?? null;
    if (options.async) {
      for (const lead of leads) {
        const envelope = await app.bus.dispatch(
          new AnalyzeLeadMessage(lead.id, options.reanalyze ?? false, industryFilter),
        );
        output.writeln(`Lead ${lead.id} ${lead.name}: ${describeDispatch(envelope)}`);
      }
      output.success(
        `Dispatched ${plural(leads.length, "analysis", "analyses")}; a worker on "normal" runs ${leads.length === 1 ? "it" : "them"}.`,
      );
      return ExitCode.Success;
    }
    let failed = 0;
    let analysed = 0;
    for (const lead of leads) {
      try {
        const outcome = await app.services.leadAnalyzer.analyze(lead.id, {
          reanalyze: options.reanalyze ?? false,
          industryFilter,
        });
        if (outcome.status === "analyzed") {
          analysed++;
          // As the handler does: the analysed page goes on to the headless browser.
          await app.bus.dispatch(new TakeScreenshotMessage(lead.id, outcome.analysis.url));
          const issues = outcome.analysis.findings.filter((f) => f.issue !== null).length;
          output.writeln(
            `Lead ${lead.id} ${lead.name} (${outcome.analysis.url}): score ${outcome.analysis.score}, ${plural(issues, "issue", "issues")}`,
          );
        } else {
          output.writeln(`Lead ${lead.id} ${lead.name}: skipped (${outcome.reason.replace("_", " ")})`);
        }
      } catch (error) {
        failed += reportInlineFailure(output, error, `Lead ${lead.id} ${lead.name}`);
      }
    }
    if (failed > 0) return ExitCode.Failure;
    const skipped = leads.length - analysed;
    const screenshots = analysed > 0 ? `; each analysed page sent to a screenshot on "low_priority"` : "";
    output.success(
      `Analysed ${plural(analysed, "lead", "leads")}${skipped > 0 ? `, skipped ${skipped}` : ""}${screenshots}.`,
    );
    return ExitCode.Success;
  },
});

async function chooseLeads(app: LeadgenApp, ids: readonly number[], options: LeadAnalyzeOptions) {
  let leads: Lead[];
  if (ids.length > 0) {
    leads = [];
    for (const id of new Set(ids)) {
      const lead = await app.store.findLead(id);
      if (!lead) throw new UsageError(`Lead ${id} does not exist.`, { code: "LEAD_NOT_FOUND" });
      leads.push(lead);
    }
  } else {
    leads = [];
    for (const lead of await app.store.listLeads({ withWebsite: true })) {
      if (options.reanalyze || !(await app.store.latestAnalysis(lead.id))) leads.push(lead);
    }
  }
  if (options.industry !== undefined) leads = leads.filter((lead) => lead.industry === options.industry);
  return options.limit === undefined ? leads : leads.slice(0, options.limit);
}
