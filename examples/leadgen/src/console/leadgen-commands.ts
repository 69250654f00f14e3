import type { ConsoleCommand } from "@messenger-ts/cli";
import { companySyncAresCommand } from "./commands/company-sync-ares-command.js";
import { emailSendCommand } from "./commands/email-send-command.js";
import { fixturesLoadCommand } from "./commands/fixtures-load-command.js";
import { leadAnalyzeCommand } from "./commands/lead-analyze-command.js";
import { leadDiscoverCommand } from "./commands/lead-discover-command.js";
import { offerGenerateCommand } from "./commands/offer-generate-command.js";
import { proposalGenerateCommand } from "./commands/proposal-generate-command.js";
import { screenshotTakeCommand } from "./commands/screenshot-take-command.js";
import { serveCommand } from "./commands/serve-command.js";

/** The application's own commands (the seed's, each with `--async`), the fixtures and the HTTP server. */
export function leadgenCommands(): ConsoleCommand<any>[] {
  return [
    fixturesLoadCommand,
    leadAnalyzeCommand,
    proposalGenerateCommand,
    offerGenerateCommand,
    companySyncAresCommand,
    leadDiscoverCommand,
    emailSendCommand,
    screenshotTakeCommand,
    serveCommand,
  ];
}
