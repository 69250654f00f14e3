import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SendEmailMessage } from "../../src/index.js";
import { type PgApp, startPgApp } from "../support/pg-app.js";
import { PG, pgUp } from "../support/postgres.js";

const SCRIPT = fileURLToPath(new URL("../php/send-email.php", import.meta.url));

/** PHP with Symfony Messenger 5.4 (scripts/services.sh installs it): skipped loudly without, failing under CI=true. */
function phpUp(): boolean {
  const probe = spawnSync("php", [
    "-r",
    "require '/usr/share/php/Symfony/Component/Messenger/autoload.php';",
  ]);
  if (probe.status === 0) return true;
  if (process.env.CI === "true" || process.env.CI === "1") {
    throw new Error("PHP with Symfony Messenger is needed by the Symfony producer test, and CI=true.");
  }
  console.warn("\n!!! PHP with Symfony Messenger 5.4 is missing: SKIPPING the Symfony producer test. !!!\n");
  return false;
}

describe.skipIf(!pgUp || !phpUp())(
  "LEADGEN_SYMFONY: the seed's Symfony application sends SendEmailMessage",
  () => {
    let pg: PgApp;
    beforeAll(async () => {
      pg = await startPgApp("symfony-producer", { symfony: true });
    }, 30_000);
    afterAll(() => pg?.close());

    it("a PHP dispatch on doctrine://default?queue_name=high is handled by the leadgen worker", {
      timeout: 30_000,
    }, async () => {
      const offerId = pg.fixtures.offers.kavarna;
      const url = `pgsql://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;
      await promisify(execFile)("php", [SCRIPT, url, pg.schema, String(offerId)]);
      const run = await pg.consume(["high_priority"], (c) => c.handled.length === 1);
      expect(run.handled[0]?.message).toEqual(new SendEmailMessage(offerId));
      expect(await pg.app.store.findEmailByOffer(offerId)).toBeDefined();
    });
  },
);
