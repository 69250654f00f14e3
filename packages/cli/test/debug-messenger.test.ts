// `debug:messenger` through the standalone bin, against test/fixtures/debug-app.config.mjs (three
// buses: command.bus with handlers, event.bus with aliased transport-bound ones, query.bus empty).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

// Several child processes per test; on a loaded 2-core CI machine each can take seconds to start.
const CHILD_TIMEOUT = 30_000;

const CONFIG = fileURLToPath(new URL("./fixtures/debug-app.config.mjs", import.meta.url));
const debugMessenger = (...args: string[]) => runCli(["--config", CONFIG, "debug:messenger", ...args]);

describe("debug:messenger", { timeout: CHILD_TIMEOUT }, () => {
  it("lists each bus's messages with their handlers in call order and their conditions", async () => {
    const result = await debugMessenger();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Messenger",
        "=========",
        "",
        "command.bus",
        "-----------",
        "",
        "The following messages can be dispatched:",
        "",
        "app.send_email (SendEmail)",
        "    handled by Mailer.handle (when priority=10)",
        "    handled by auditEmail (when from_transport=async, priority=-5)",
        "",
        "LegacyPing",
        "    handled by pong",
        "",
        "* (every message)",
        "    handled by traceEverything",
        "",
        "event.bus",
        "---------",
        "",
        "The following messages can be dispatched:",
        "",
        "app.order_placed (OrderPlaced)",
        "    handled by notifyWarehouse (when from_transport=async)",
        "    handled by notifyWarehouse@urgent (when from_transport=priority)",
        "",
        "query.bus",
        "---------",
        "",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe('[WARNING] No handled message found in bus "query.bus".\n');
  });

  it("shows one bus when named", async () => {
    const result = await debugMessenger("event.bus");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("app.order_placed (OrderPlaced)");
    expect(result.stdout).not.toContain("command.bus");
    expect(result.stderr).toBe("");

    const empty = await debugMessenger("query.bus");
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe('[WARNING] No handled message found in bus "query.bus".\n');
  });

  it("refuses an unknown bus with a usage error listing the buses", async () => {
    const result = await debugMessenger("nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      '[ERROR] Unknown bus "nope"; available buses: command.bus, event.bus, query.bus.\n',
    );
    expect(result.stdout).toBe("");
  });

  it("prints the same as JSON, alone on stdout", async () => {
    const result = await debugMessenger("--format=json");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      buses: {
        "command.bus": [
          {
            type: "app.send_email",
            class: "SendEmail",
            handlers: [
              { name: "Mailer.handle", conditions: { priority: 10 } },
              { name: "auditEmail", conditions: { from_transport: "async", priority: -5 } },
            ],
          },
          { type: null, class: "LegacyPing", handlers: [{ name: "pong", conditions: {} }] },
          { type: null, class: "*", handlers: [{ name: "traceEverything", conditions: {} }] },
        ],
        "event.bus": [
          {
            type: "app.order_placed",
            class: "OrderPlaced",
            handlers: [
              { name: "notifyWarehouse", conditions: { from_transport: "async" } },
              { name: "notifyWarehouse@urgent", conditions: { from_transport: "priority" } },
            ],
          },
        ],
        "query.bus": [],
      },
    });
  });
});
