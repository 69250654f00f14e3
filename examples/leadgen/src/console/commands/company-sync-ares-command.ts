import { defineCommand, ExitCode, UsageError } from "@messenger-ts/cli";
import { SyncAresDataMessage } from "../../messages/sync-ares-data-message.js";
import { MAX_ICOS_PER_SYNC } from "../../services/ares-sync-service.js";
import { icoList } from "../argument-parsers.js";
import { describeDispatch } from "../describe-dispatch.js";
import { plural, reportInlineFailure } from "../inline-failure.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface CompanySyncAresOptions {
  readonly ico: string[];
  readonly async?: boolean;
}

/** `app:company:sync-ares --ico=…`: copies companies' data from the ARES register, inline or queued. */
export const companySyncAresCommand = defineCommand<CompanySyncAresOptions>({
  name: "app:company:sync-ares",
  description: "Sync companies from the ARES register by IČO (inline, or with --async on the normal queue)",
  configure(command) {
    command
      .requiredOption("-i, --ico <ico>", "company id(s): repeat the option or separate with commas", icoList)
      .option("--async", "dispatch one SyncAresDataMessage with the IČOs instead of syncing here");
  },
  async execute({ options }, context) {
    const icos = [...new Set(options.ico)];
    if (icos.length > MAX_ICOS_PER_SYNC) {
      throw new UsageError(`${icos.length} IČOs given: one sync takes at most ${MAX_ICOS_PER_SYNC}.`, {
        code: "TOO_MANY_ICOS",
      });
    }
    const app = await leadgenAppOf(context);
    const { output } = context;
    if (options.async) {
      const envelope = await app.bus.dispatch(new SyncAresDataMessage(icos));
      output.writeln(`IČO ${icos.join(", ")}: ${describeDispatch(envelope)}`);
      output.success(
        `Dispatched the sync of ${plural(icos.length, "company", "companies")}; a worker on "normal" runs it.`,
      );
      return ExitCode.Success;
    }
    try {
      const companies = await app.services.aresSync.sync(icos);
      output.table(
        ["IČO", "Name", "Legal form", "Address", "VAT id", "Employees"],
        companies.map((c) => [c.ico, c.name, c.legalForm, c.address, c.vatId, c.employees]),
      );
      output.success(`Synced ${plural(companies.length, "company", "companies")} from ARES.`);
    } catch (error) {
      return reportInlineFailure(output, error);
    }
    return ExitCode.Success;
  },
});
