import {
  compareWorkerHeartbeats,
  isInspectOnlyTransport,
  isWorkerRegistry,
  type WorkerHeartbeat,
} from "@messenger-ts/core";
import { assertTransportNames } from "../application/transport-names.js";
import { defineCommand } from "../console/console-command.js";
import { addFormatOption, type OutputFormat } from "../console/format-option.js";

/**
 * `messenger:workers [transports...] [--format=txt|json]`: the live workers, as their heartbeats
 * in the transports' backends tell (see WorkerRegistry), on every machine. A worker is listed
 * once even when several of the transports share its backend or it beats into several.
 */
export const workersCommand = defineCommand<{ format: OutputFormat }>({
  name: "messenger:workers",
  description: "List the running workers of one or more transports, on every machine",
  configure(command) {
    command.argument("[transports...]", "transport names (default: every transport that keeps heartbeats)");
    addFormatOption(command);
  },
  async execute({ args, options }, { output, application }) {
    const { messenger } = await application();
    const given = args[0] as string[];
    if (given.length > 0) assertTransportNames(messenger, given);
    const names = given.length > 0 ? given : messenger.transportNames;
    const workers = new Map<string, WorkerHeartbeat>();
    const without: string[] = [];
    for (const name of names) {
      const transport = messenger.getTransport(name);
      if (!isWorkerRegistry(transport)) {
        without.push(name);
        continue;
      }
      // A status command creates nothing: a mistyped path is an error, not a new empty store.
      if (isInspectOnlyTransport(transport)) transport.inspectOnly();
      for (const heartbeat of await transport.listWorkers()) {
        const known = workers.get(heartbeat.id);
        if (!known || known.lastSeenAt < heartbeat.lastSeenAt) workers.set(heartbeat.id, heartbeat);
      }
    }
    const list = [...workers.values()].sort(compareWorkerHeartbeats);
    // Only transports named on the command line are worth a word: by default, sync:// and the
    // like are simply not asked.
    const unsupported = given.length > 0 ? without : [];
    if (options.format === "json") {
      output.json(
        unsupported.length > 0 ? { workers: list, unsupported_transports: unsupported } : { workers: list },
      );
      return;
    }
    const now = messenger.clock.now();
    if (list.length === 0) output.note("No running worker was found.");
    else {
      output.table(
        [
          "Id",
          "Host",
          "PID",
          "Transports",
          "Concurrency",
          "Handled",
          "Failed",
          "Memory",
          "Up for",
          "Last seen",
        ],
        list.map((w) => [
          w.id,
          w.host,
          w.pid,
          w.transports.join(", "),
          w.concurrency,
          w.handled,
          w.failed,
          `${(w.memory / 1048576).toFixed(1)} MiB`,
          duration(now - w.startedAt),
          `${duration(now - w.lastSeenAt)} ago`,
        ]),
      );
    }
    if (unsupported.length > 0) {
      output.note(`These transports keep no worker heartbeats: "${unsupported.join('", "')}".`);
    }
  },
});

/** `45 s`, `12 min`, `3 h 20 min`: a status view needs no milliseconds. */
function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
