import { defineCommand, ExitCode } from "@messenger-ts/cli";
import { SendEmailMessage } from "../../messages/send-email-message.js";
import { parseId } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface EmailSendOptions {
  readonly user?: number;
  readonly async?: boolean;
}

/** `app:email:send <offerId>`: e-mails an offer to its lead through SES, inline or on the high-priority queue. */
export const emailSendCommand = defineCommand<EmailSendOptions>({
  name: "app:email:send",
  description: "E-mail an offer to its lead (inline, or with --async on the high_priority queue)",
  configure(command) {
    command
      .argument("<offerId>", "the offer", parseId)
      .option("-u, --user <id>", "the sender (default: the user who made the offer)", parseId)
      .option("--async", "dispatch a SendEmailMessage instead of sending here");
  },
  async execute({ args, options }, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const offerId = args[0] as number;
    const userId = options.user ?? null;
    if (options.async) {
      const envelope = await app.bus.dispatch(new SendEmailMessage(offerId, userId));
      output.writeln(`Offer ${offerId}: ${describeDispatch(envelope)}`);
      output.success(`Dispatched the e-mail; a worker on "high_priority" sends it.`);
      return ExitCode.Success;
    }
    try {
      const { status, email } = await app.services.emailService.sendOffer(offerId, userId);
      output.definitionList([
        ["E-mail", email.id],
        ["To", email.recipient],
        ["Subject", email.subject],
        ["SES message id", email.providerMessageId],
        ["Status", email.status],
      ]);
      if (status === "already_sent") output.note(`Offer ${offerId} was e-mailed before: not sent again.`);
      else output.success(`Sent offer ${offerId} to ${email.recipient}.`);
    } catch (error) {
      return reportInlineFailure(output, error, `Offer ${offerId}`);
    }
    return ExitCode.Success;
  },
});
