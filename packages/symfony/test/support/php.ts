import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../php/messenger.php", import.meta.url));

/**
 * Whether PHP with Symfony Messenger 5.4 (Debian's packages, which scripts/services.sh installs)
 * can run the harness. Locally a missing install skips the tests loudly; under CI=true it fails.
 */
export function requirePhp(env: NodeJS.ProcessEnv = process.env): boolean {
  const probe = spawnSync(
    "php",
    ["-r", "require '/usr/share/php/Symfony/Component/Messenger/autoload.php'; echo 'ok';"],
    { encoding: "utf8" },
  );
  if (probe.status === 0 && probe.stdout === "ok") return true;
  const reason = probe.error ? "php is not installed" : `php failed: ${probe.stderr.trim().slice(0, 300)}`;
  if (env.CI === "true" || env.CI === "1") {
    throw new Error(
      `PHP with Symfony Messenger is needed by the interoperability tests and CI=true: ${reason}.`,
    );
  }
  console.warn(
    `\n!!! PHP with Symfony Messenger 5.4 is missing (${reason}): SKIPPING the Symfony interoperability tests. scripts/services.sh installs it. !!!\n`,
  );
  return false;
}

export interface PhpTransport {
  readonly type: "redis" | "doctrine";
  readonly dsn: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** One line of the PHP handler's ledger. */
export interface PhpHandled {
  readonly side: "php";
  readonly class: string;
  readonly [field: string]: unknown;
}

/** The Symfony application of test/php/messenger.php, with its own config and ledger. */
export class PhpApp {
  readonly #dir = mkdtempSync(join(tmpdir(), "mt-symfony-php-"));
  readonly #config = join(this.#dir, "config.json");
  readonly #ledger = join(this.#dir, "ledger.jsonl");

  constructor(transports: Readonly<Record<string, PhpTransport>>, failureTransport: string) {
    writeFileSync(this.#config, JSON.stringify({ transports, failureTransport, ledger: this.#ledger }));
  }

  run(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("php", [SCRIPT, this.#config, ...args], { encoding: "utf8" }, (error, stdout, stderr) => {
        if (error) reject(new Error(`php ${args.join(" ")} failed: ${stderr || stdout || error.message}`));
        else resolve(stdout);
      });
    });
  }

  /** Dispatches App\Message\SendEmailMessage (or RebuildSearchIndexMessage for `{index}`) on its bus. */
  dispatch(transport: string, fields: object, delayMs = 0, tenant?: string): Promise<string> {
    const args = ["dispatch", transport, JSON.stringify(fields), String(delayMs)];
    return this.run(...(tenant === undefined ? args : [...args, tenant]));
  }

  /** `messenger:consume <transport> --limit --time-limit`, with retries (1, after 100 ms) and the failure transport. */
  consume(transport: string, limit: number, timeLimitSeconds = 20): Promise<string> {
    return this.run("consume", transport, String(limit), String(timeLimitSeconds));
  }

  /** `messenger:failed:show` on the failure transport. */
  failedShow(): Promise<string> {
    return this.run("failed-show");
  }

  handled(): PhpHandled[] {
    let text = "";
    try {
      text = readFileSync(this.#ledger, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as PhpHandled);
  }

  cleanup(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
