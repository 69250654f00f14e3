import { pauseTransports } from "@messenger-ts/core";
import { assertTransportNames } from "../application/transport-names.js";
import { defineCommand } from "../console/console-command.js";

/**
 * `messenger:pause <transports...>`: every worker consuming these transports, wherever it runs,
 * stops fetching from them within its poll interval (`--sleep`) and goes on with the rest; the
 * messages in its handlers finish. The state is kept in the transport's backend.
 */
export const pauseCommand = defineCommand({
  name: "messenger:pause",
  description: "Pause transports: every worker stops fetching from them until messenger:resume",
  configure(command) {
    command.argument("<transports...>", "names of the transports to pause");
  },
  async execute({ args }, { output, application }) {
    const { messenger } = await application();
    const names = args[0] as string[];
    assertTransportNames(messenger, names);
    await pauseTransports(messenger, names);
    output.success(
      `Paused ${names.map((name) => `"${name}"`).join(", ")}: workers stop fetching from ${names.length === 1 ? "it" : "them"} within their poll interval.`,
    );
  },
});
