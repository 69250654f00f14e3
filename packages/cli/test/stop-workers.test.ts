import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const MEMORY_ONLY = fileURLToPath(new URL("./fixtures/consume-memory-only.config.mjs", import.meta.url));

// Sending the signal to running workers is tested end to end with consume (consume.test.ts).
describe("messenger:stop-workers without a durable transport", () => {
  it("exits 1 saying no transport can carry the signal", async () => {
    const result = await runCli(["--config", MEMORY_ONLY, "messenger:stop-workers"]);
    expect(result.stderr).toBe(
      "[ERROR] No transport can carry the stop signal (transports: memory, sync); use a durable transport (PostgreSQL, SQLite, Redis) or give the application restartSignalStores. [NO_RESTART_SIGNAL_STORE]\n",
    );
    expect(result.code).toBe(1);
  });

  it("uses the application's own restartSignalStores", async () => {
    const result = await runCli(["--config", MEMORY_ONLY, "messenger:stop-workers"], {
      env: { CLI_TEST_RESTART_STORE: "1" },
    });
    expect(result.stderr).toBe("[OK] Signal successfully sent to stop any running workers.\n");
    expect(result.code).toBe(0);
  });

  it("a worker that nothing can signal does not promise to obey messenger:stop-workers", async () => {
    const result = await runCli([
      "--config",
      MEMORY_ONLY,
      "messenger:consume",
      "--time-limit=0.3",
      "--sleep=0.1",
    ]);
    // The only receiver is the default one (sync:// is not a receiver).
    expect(result.stderr.split("\n").slice(0, 2)).toEqual([
      '[OK] Consuming messages from transport "memory".',
      "// The worker will automatically exit once it has been running for 0.3s.",
    ]);
    expect(result.code).toBe(0);
  });
});
