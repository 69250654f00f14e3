import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); playwright-core drives it and downloads no browser. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether Debian's Chromium is here. Without it the browser tests are skipped with a warning, except
 * under CI=true, where scripts/services.sh installs it and its absence is an error.
 */
export function chromiumAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (env.CI === "true" || env.CI === "1") {
    throw new Error(`${CHROMIUM} is missing, and CI=true: the browser tests must run.`);
  }
  console.warn(
    `\n!!! ${CHROMIUM} is missing (apt-get install chromium): SKIPPING the dashboard's browser tests. !!!\n`,
  );
  return false;
}

/** A headless Chromium with nothing of its own on the network (no updates, sync, QUIC or first-run pages). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-quic",
      "--disable-sync",
    ],
  });
}
