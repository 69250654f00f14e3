import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const CONFIG = fileURLToPath(new URL("./fixtures/consume-unresolvable.config.mjs", import.meta.url));

describe("messenger:consume with a handler the container cannot build", () => {
  it("prints the clear error at default verbosity and exits 1 at the first message", async () => {
    const result = await runCli(["--config", CONFIG, "messenger:consume", "async", "--time-limit=5"]);
    expect(result.stderr).toContain(
      "[ERROR] Cannot resolve handler class SendEmailHandler from the container",
    );
    expect(result.stderr).toContain("SendEmailHandler has no constructor type metadata");
    expect(result.stderr).toContain('"emitDecoratorMetadata": true');
    expect(result.stderr).toContain("npm ls tsyringe");
    expect(result.stderr).toContain("[UNRESOLVABLE_SERVICE]");
    expect(result.code).toBe(1);
  }, 20_000);
});
