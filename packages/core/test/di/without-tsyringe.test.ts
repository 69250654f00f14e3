import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The built core installed where no tsyringe can be found (its package folder copied into a
 * temporary node_modules that holds reflect-metadata only), as in a Nest application that brings
 * its own container.
 */
const core = fileURLToPath(new URL("../..", import.meta.url));
const temp = mkdtempSync(join(tmpdir(), "messenger-ts-no-tsyringe-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function install(): void {
  const target = join(temp, "node_modules", "@messenger-ts", "core");
  mkdirSync(target, { recursive: true });
  cpSync(join(core, "dist"), join(target, "dist"), { recursive: true });
  cpSync(join(core, "package.json"), join(target, "package.json"));
  // The package folder itself (its exports hide package.json): node_modules/reflect-metadata of core.
  symlinkSync(join(core, "node_modules", "reflect-metadata"), join(temp, "node_modules", "reflect-metadata"));
}

/** Plain JavaScript (no decorator syntax): the decorators are called as TypeScript's output calls them. */
const SCRIPT = `
import { AsMessageHandler, createMessenger, InjectBus, MessengerError } from "@messenger-ts/core";

class Ping { constructor(n) { this.n = n; } }
class PingHandler { handle(message) { return message.n * 2; } }
Reflect.defineMetadata("design:paramtypes", [Ping], PingHandler.prototype, "handle");
AsMessageHandler()(PingHandler.prototype, "handle", Object.getOwnPropertyDescriptor(PingHandler.prototype, "handle"));

const built = [];
const container = {
  resolve(target, role) { built.push(role + " " + target.name); return new target(); },
  resettableServices() { return []; },
};
const messenger = createMessenger({ handlers: [PingHandler], container });
const envelope = await messenger.bus.dispatch(new Ping(21));
console.log("handled", JSON.stringify(built), envelope.all().size > 0);

for (const attempt of [() => createMessenger({ handlers: [PingHandler] }), () => InjectBus("event.bus")]) {
  try { attempt(); console.log("no error"); }
  catch (error) { console.log(error instanceof MessengerError ? error.code : "other", error.message); }
}
`;

describe("core without tsyringe installed", () => {
  it("dispatches to a handler built by the given container, and says what to install when a tsyringe feature is used", {
    timeout: 60_000,
  }, async () => {
    install();
    writeFileSync(join(temp, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(temp, "app.js"), SCRIPT);
    // Without NODE_PATH: pnpm's bin shims point it at the store, where tsyringe would be found.
    const { NODE_PATH: _storePath, ...env } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, [join(temp, "app.js")], {
      cwd: temp,
      env,
    });
    const [handled, noContainer, injectBus] = stdout.trim().split("\n");
    expect(handled).toBe('handled ["handler class PingHandler"] true');
    expect(noContainer).toMatch(/^INVALID_CONFIGURATION No container: tsyringe is not installed/);
    expect(injectBus).toMatch(
      /^INVALID_CONFIGURATION @InjectBus\("event.bus"\) of @messenger-ts\/core injects through tsyringe/,
    );
  });
});
