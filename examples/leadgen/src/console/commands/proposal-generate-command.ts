import { choice, defineCommand, ExitCode } from "@messenger-ts/cli";
import { GenerateProposalMessage } from "../../messages/generate-proposal-message.js";
import { PROPOSAL_TYPES, type ProposalType } from "../../store/records.js";
import { parseId } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface ProposalGenerateOptions {
  readonly user: number;
  readonly type: ProposalType;
  readonly analysis?: number;
  readonly async?: boolean;
}

/** `app:proposal:generate <leadId>`: writes a design proposal from the lead's analysis (AI), inline or queued. */
export const proposalGenerateCommand = defineCommand<ProposalGenerateOptions>({
  name: "app:proposal:generate",
  description: "Generate a design proposal for a lead (inline, or with --async on the normal queue)",
  configure(command) {
    command
      .argument("<leadId>", "the lead", parseId)
      .requiredOption("-u, --user <id>", "the user the proposal is made by", parseId)
      .option(
        "-t, --type <type>",
        `proposal type: ${PROPOSAL_TYPES.join(", ")}`,
        choice(PROPOSAL_TYPES),
        "redesign",
      )
      .option("--analysis <id>", "the analysis to build on (default: the lead's latest)", parseId)
      .option("--async", "dispatch a GenerateProposalMessage instead of generating here");
  },
  async execute({ args, options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const leadId = args[0] as number;
    const analysisId = options.analysis ?? null;
    if (options.async) {
      const envelope = await app.bus.dispatch(
        new GenerateProposalMessage(leadId, options.user, options.type, analysisId),
      );
      output.writeln(`Lead ${leadId}: ${describeDispatch(envelope)}`);
      output.success(`Dispatched the ${options.type} proposal; a worker on "normal" writes it.`);
      return ExitCode.Success;
    }
    try {
      const proposal = await app.services.proposalGenerator.generate(
        leadId,
        options.user,
        options.type,
        analysisId,
      );
      output.definitionList([
        ["Proposal", proposal.id],
        ["Title", proposal.title],
        ["Type", proposal.type],
        ["Lead", proposal.leadId],
        ["Analysis", proposal.analysisId],
        ["Expires", new Date(proposal.expiresAt).toISOString()],
      ]);
      output.success(`Generated proposal ${proposal.id}.`);
    } catch (error) {
      return reportInlineFailure(output, error, `Lead ${leadId}`);
    }
    return ExitCode.Success;
  },
});
