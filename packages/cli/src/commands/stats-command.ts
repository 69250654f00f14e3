import {
  isInspectOnlyTransport,
  isMessageCountAware,
  isStoredMessageCountAware,
  isTransportPaused,
} from "@messenger-ts/core";
import { assertTransportNames } from "../application/transport-names.js";
import { defineCommand } from "../console/console-command.js";
import { addFormatOption, type OutputFormat } from "../console/format-option.js";

/**
 * `messenger:stats [transports...] [--format=txt|json]`: how many messages wait in each transport;
 * for a failure transport, every message it holds (delayed and claimed ones too); and whether the
 * transport is paused (`messenger:pause`), for transports whose backend keeps that state.
 */
export const statsCommand = defineCommand<{ format: OutputFormat }>({
  name: "messenger:stats",
  description: "Show the message count for one or more transports",
  configure(command) {
    command.argument("[transports...]", "transport names (default: every receiver)");
    addFormatOption(command);
  },
  async execute({ args, options }, { output, application }) {
    const { messenger } = await application();
    const given = args[0] as string[];
    if (given.length > 0) assertTransportNames(messenger, given);
    const names = given.length > 0 ? given : messenger.receiverNames;
    const counts: Record<string, { count: number; paused?: boolean }> = {};
    const uncountable: string[] = [];
    const failureTransports = new Set(messenger.failureTransportNames);
    for (const name of names) {
      const transport = messenger.getTransport(name);
      // A status command creates nothing: a mistyped path is an error, not a new empty store.
      if (isInspectOnlyTransport(transport)) transport.inspectOnly();
      // A failure transport counts everything it holds, as failed:show lists it: a retried message
      // that failed again waits there delayed, which getMessageCount() (what a worker could take
      // now) leaves out.
      if (failureTransports.has(name) && isStoredMessageCountAware(transport)) {
        counts[name] = { count: await transport.getStoredMessageCount() };
      } else if (isMessageCountAware(transport)) {
        counts[name] = { count: await transport.getMessageCount() };
      } else uncountable.push(name);
      // Symfony's shape, plus `paused: true` for a paused transport only.
      if (counts[name] && (await isTransportPaused(messenger, name)))
        counts[name] = { ...counts[name], paused: true };
    }
    if (options.format === "json") {
      // Symfony's shape; the second key only when there is something in it.
      output.json(
        uncountable.length > 0
          ? { transports: counts, uncountable_transports: uncountable }
          : { transports: counts },
      );
      return;
    }
    const anyPaused = Object.values(counts).some((entry) => entry.paused);
    // The State column only when something is paused: the usual table stays Symfony's.
    output.table(
      anyPaused ? ["Transport", "Count", "State"] : ["Transport", "Count"],
      Object.entries(counts).map(([name, { count, paused }]) =>
        anyPaused ? [name, count, paused ? "paused" : ""] : [name, count],
      ),
    );
    if (uncountable.length > 0) {
      output.note(`Unable to get message count for the following transports: "${uncountable.join('", "')}".`);
    }
  },
});
