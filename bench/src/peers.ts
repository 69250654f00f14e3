// Which release of each peer job queue the systems load. Two are installed side by side: the
// pinned ones (the newest that run on Node 20) under their own names, and the newest releases under
// pnpm aliases (`graphile-worker-next` is `npm:graphile-worker@…`). `--peers newest` picks the
// aliases. The choice travels in the environment, so the worker child processes (forked with the
// runner's environment) load the same release as the runner.

import { readFileSync } from "node:fs";

export const PEER_RELEASES = ["pinned", "newest"] as const;
export type PeerRelease = (typeof PEER_RELEASES)[number];

export type PeerLibrary = "graphile-worker" | "pg-boss" | "bullmq";

/** The environment variable the runner sets from `--peers` and its worker processes read. */
export const PEERS_ENV = "BENCH_PEERS";

/** The npm alias each newest release is installed under (bench/package.json). */
const NEWEST_ALIAS: Readonly<Record<PeerLibrary, string>> = {
  "graphile-worker": "graphile-worker-next",
  "pg-boss": "pg-boss-next",
  bullmq: "bullmq-next",
};

const NODE_MODULES = new URL("../node_modules/", import.meta.url);

/** Throws a clear error for anything but `pinned` or `newest`. */
export function parsePeerRelease(value: string | undefined): PeerRelease {
  if (value === undefined || value === "") return "pinned";
  if ((PEER_RELEASES as readonly string[]).includes(value)) return value as PeerRelease;
  throw new Error(`--peers takes ${PEER_RELEASES.join(" or ")}, got "${value}".`);
}

/** The release chosen for this run (pinned unless the runner was started with `--peers newest`). */
export const peerRelease = (): PeerRelease => parsePeerRelease(process.env[PEERS_ENV]);

/** The module name to import for `library` in this run. */
export function peerModule(library: PeerLibrary, release: PeerRelease = peerRelease()): string {
  return release === "newest" ? NEWEST_ALIAS[library] : library;
}

/** `library` loaded in the release of this run; `T` is the pinned release's module type. */
export async function importPeer<T>(library: PeerLibrary): Promise<T> {
  return (await import(peerModule(library))) as T;
}

const versions = new Map<string, string>();

/** The installed version of `library` in this run's release, e.g. "0.18.0", for the settings lines. */
export function peerVersion(library: PeerLibrary, release: PeerRelease = peerRelease()): string {
  const name = peerModule(library, release);
  let version = versions.get(name);
  if (version === undefined) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(`${name}/package.json`, NODE_MODULES), "utf8"));
      version = String(manifest.version);
    } catch {
      version = "not installed";
    }
    versions.set(name, version);
  }
  return version;
}

/** The major version as a number (0 for 0.x), for the adapters whose API changed between releases. */
export const peerMajor = (library: PeerLibrary): number =>
  Number.parseInt(peerVersion(library).split(".")[0] ?? "", 10);
