import { defineCommand, ExitCode } from "@messenger-ts/cli";
import { GenerateOfferMessage } from "../../messages/generate-offer-message.js";
import { formatCzk } from "../../services/email-service.js";
import { parseId } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface OfferGenerateOptions {
  readonly user: number;
  readonly proposal?: number;
  readonly async?: boolean;
}

/** `app:offer:generate <leadId>`: prices the lead's proposal and writes the cover letter (AI), inline or queued. */
export const offerGenerateCommand = defineCommand<OfferGenerateOptions>({
  name: "app:offer:generate",
  description: "Generate a price offer for a lead (inline, or with --async on the normal queue)",
  configure(command) {
    command
      .argument("<leadId>", "the lead", parseId)
      .requiredOption("-u, --user <id>", "the user the offer is made by", parseId)
      .option("--proposal <id>", "the proposal to price (default: the lead's latest, if any)", parseId)
      .option("--async", "dispatch a GenerateOfferMessage instead of generating here");
  },
  async execute({ args, options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const leadId = args[0] as number;
    const proposalId = options.proposal ?? null;
    if (options.async) {
      const envelope = await app.bus.dispatch(new GenerateOfferMessage(leadId, options.user, proposalId));
      output.writeln(`Lead ${leadId}: ${describeDispatch(envelope)}`);
      output.success(`Dispatched the offer; a worker on "normal" writes it.`);
      return ExitCode.Success;
    }
    try {
      const offer = await app.services.offerGenerator.generate(leadId, options.user, proposalId);
      output.table(
        ["Item", "Price"],
        offer.items.map((item) => [item.description, formatCzk(item.priceCzk)]),
      );
      output.definitionList([
        ["Offer", offer.id],
        ["Total", formatCzk(offer.totalCzk)],
        ["Valid until", new Date(offer.validUntil).toISOString()],
      ]);
      output.success(`Generated offer ${offer.id}; send it with app:email:send ${offer.id}.`);
    } catch (error) {
      return reportInlineFailure(output, error, `Lead ${leadId}`);
    }
    return ExitCode.Success;
  },
});
