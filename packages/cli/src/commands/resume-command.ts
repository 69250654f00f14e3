import { resumeTransports } from "@messenger-ts/core";
import { assertTransportNames } from "../application/transport-names.js";
import { defineCommand } from "../console/console-command.js";

/** `messenger:resume <transports...>`: the workers fetch from these paused transports again within their poll interval. */
export const resumeCommand = defineCommand({
  name: "messenger:resume",
  description: "Resume paused transports: workers fetch from them again",
  configure(command) {
    command.argument("<transports...>", "names of the transports to resume");
  },
  async execute({ args }, { output, application }) {
    const { messenger } = await application();
    const names = args[0] as string[];
    assertTransportNames(messenger, names);
    await resumeTransports(messenger, names);
    output.success(
      `Resumed ${names.map((name) => `"${name}"`).join(", ")}: workers fetch from ${names.length === 1 ? "it" : "them"} again within their poll interval.`,
    );
  },
});
