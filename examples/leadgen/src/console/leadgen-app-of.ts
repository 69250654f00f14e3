import type { CommandContext } from "@messenger-ts/cli";
import type { LeadgenApp } from "../app/leadgen-app.js";

/** The application behind a command of this console (the kernel builds it on first use). */
export async function leadgenAppOf(context: CommandContext): Promise<LeadgenApp> {
  return (await context.application()) as LeadgenApp;
}
