// The CPU time a backend's server spends, read from /proc on this machine: with the worker's own
// CPU time it gives what a message costs the machine as a whole, which on a 2-core machine is what
// bounds throughput once both cores are busy.

import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { AMQP_URL, MYSQL_URL, POSTGRES_URL, REDIS_URL } from "./backends.js";
import type { Backend } from "./systems/system.js";

/** The server processes' names (`/proc/<pid>/comm`) of each backend that runs as a server. */
const SERVER_PROCESSES: Readonly<Partial<Record<Backend, readonly string[]>>> = {
  postgres: ["postgres"],
  mysql: ["mariadbd", "mysqld"],
  redis: ["redis-server"],
  amqp: ["beam.smp"],
};

const SERVER_URLS: Readonly<Partial<Record<Backend, string>>> = {
  postgres: POSTGRES_URL,
  mysql: MYSQL_URL,
  redis: REDIS_URL,
  amqp: AMQP_URL,
};

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * Whether the server CPU of this backend can be read here: Linux, and the backend's server on this
 * machine. An in-process backend (SQLite, memory) has no server: its work is the worker's.
 */
export function serverCpuReadable(backend: Backend): boolean {
  const names = SERVER_PROCESSES[backend];
  const url = SERVER_URLS[backend];
  if (!names || !url || process.platform !== "linux") return false;
  return LOCAL_HOSTS.has(new URL(url).hostname);
}

/**
 * The CPU seconds (user + system) the backend's server processes have used so far, or undefined
 * when it cannot be read here. Each process counts its own time and the time of the children it
 * has reaped, so a PostgreSQL backend that exits between two readings moves its time into the
 * postmaster's count and is still counted once.
 */
export async function serverCpuSeconds(backend: Backend): Promise<number | undefined> {
  if (!serverCpuReadable(backend)) return undefined;
  const names = new Set(SERVER_PROCESSES[backend]);
  let ticks = 0;
  let found = false;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // ended while listed
    }
    const used = cpuTicksOf(stat, names);
    if (used === undefined) continue;
    ticks += used;
    found = true;
  }
  return found ? ticks / clockTicks() : undefined;
}

/**
 * The clock ticks (user + system, with reaped children's) in one `/proc/<pid>/stat` line, if its
 * process has one of these names; undefined for any other process.
 */
export function cpuTicksOf(stat: string, names: ReadonlySet<string>): number | undefined {
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ")".
  const close = stat.lastIndexOf(")");
  const comm = stat.slice(stat.indexOf("(") + 1, close);
  if (!names.has(comm)) return undefined;
  // Fields 14 to 17 (utime, stime, cutime, cstime) are the 12th to 15th after the comm.
  const fields = stat.slice(close + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}
