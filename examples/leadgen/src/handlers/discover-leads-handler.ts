import { AsMessageHandler, type Logger, MessageBus } from "@messenger-ts/core";
import { inject } from "tsyringe";
import { LOGGER } from "../app/tokens.js";
import { AnalyzeLeadMessage } from "../messages/analyze-lead-message.js";
import { DiscoverLeadsMessage } from "../messages/discover-leads-message.js";
import { DiscoveryService } from "../services/discovery-service.js";

/** Runs a discovery and sends every new lead on to be analysed (the seed's discovery → analysis pipeline). */
@AsMessageHandler({ handles: DiscoverLeadsMessage })
export class DiscoverLeadsHandler {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly bus: MessageBus,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(message: DiscoverLeadsMessage) {
    const outcome = await this.discovery.discover(message.source, message.query, message.limit);
    for (const lead of outcome.created) await this.bus.dispatch(new AnalyzeLeadMessage(lead.id));
    this.logger.info(
      { source: outcome.source, query: outcome.query, found: outcome.found, created: outcome.created.length },
      `Discovery on ${outcome.source} found ${outcome.found} companies, ${outcome.created.length} of them new leads sent to analysis`,
    );
    return { source: outcome.source, found: outcome.found, created: outcome.created.map((lead) => lead.id) };
  }
}
