import { choice, defineCommand, ExitCode } from "@messenger-ts/cli";
import {
  DISCOVERY_SOURCES,
  type DiscoverySource,
  MAX_DISCOVERY_LIMIT,
} from "../../domain/discovery-sources.js";
import { AnalyzeLeadMessage } from "../../messages/analyze-lead-message.js";
import { DiscoverLeadsMessage } from "../../messages/discover-leads-message.js";
import { integerBetween, nonEmptyText } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { plural, reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface LeadDiscoverOptions {
  readonly source: DiscoverySource;
  readonly query: string;
  readonly limit: number;
  readonly async?: boolean;
}

/**
 * `app:lead:discover --source=… --query=…`: searches a discovery source for new leads, inline or
 * on the low-priority queue. Either way each new lead is sent to the normal queue to be analysed,
 * as the discovery handler does.
 */
export const leadDiscoverCommand = defineCommand<LeadDiscoverOptions>({
  name: "app:lead:discover",
  description: "Discover new leads on a source (inline, or with --async on the low_priority queue)",
  configure(command) {
    command
      .option(
        "-s, --source <source>",
        `one of: ${DISCOVERY_SOURCES.join(", ")}`,
        choice(DISCOVERY_SOURCES),
        "firmy_cz",
      )
      .requiredOption("-q, --query <text>", 'what to search for (e.g. "restaurace Praha")', nonEmptyText)
      .option(
        "-l, --limit <count>",
        `results to look at, 1 to ${MAX_DISCOVERY_LIMIT}`,
        integerBetween(1, MAX_DISCOVERY_LIMIT),
        10,
      )
      .option("--async", "dispatch a DiscoverLeadsMessage instead of searching here");
  },
  async execute({ options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    if (options.async) {
      const envelope = await app.bus.dispatch(
        new DiscoverLeadsMessage(options.source, options.query, options.limit),
      );
      output.writeln(`${options.source} "${options.query}": ${describeDispatch(envelope)}`);
      output.success(`Dispatched the discovery; a worker on "low_priority" runs it.`);
      return ExitCode.Success;
    }
    try {
      const outcome = await app.services.discovery.discover(options.source, options.query, options.limit);
      output.table(
        ["Lead", "Name", "Website", "Industry"],
        outcome.created.map((lead) => [lead.id, lead.name, lead.website, lead.industry]),
      );
      for (const lead of outcome.created) await app.bus.dispatch(new AnalyzeLeadMessage(lead.id));
      output.success(
        `${outcome.source} found ${plural(outcome.found, "company", "companies")}: ${plural(outcome.created.length, "new lead", "new leads")}, each sent to analysis on "normal".`,
      );
    } catch (error) {
      return reportInlineFailure(output, error);
    }
    return ExitCode.Success;
  },
});
