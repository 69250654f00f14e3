import { defineCommand } from "@messenger-ts/cli";
import { loadFixtures } from "../../fixtures/load-fixtures.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

/** `app:fixtures:load`: empties the domain tables (not the queues) and loads the sample data. */
export const fixturesLoadCommand = defineCommand({
  name: "app:fixtures:load",
  description:
    "Load the sample data (users, companies, leads, analyses, proposals, offers), replacing the domain data",
  async execute(_input, context) {
    const app = await leadgenAppOf(context);
    const { output } = context;
    const fixtures = await loadFixtures(app);
    const counts = await app.store.counts();
    output.table(
      ["Table", "Rows"],
      Object.entries(counts)
        .filter(([, rows]) => rows > 0)
        .map(([table, rows]) => [table, rows]),
    );
    const failing = fixtures.failingInputs;
    output.comment(
      [
        `Failure inputs: IČO ${failing.aresIco} (ARES never answers: retried, then failed),`,
        `lead ${failing.invalidWebsiteLeadId} (website on .invalid: unrecoverable),`,
        `offer ${failing.undeliverableOfferId} (address on .invalid: SES rejects it).`,
      ].join(" "),
    );
    output.success(`Loaded the fixtures into ${app.store.description}.`);
  },
});
