import { isSetupableTransport, isWarningTransport, TransportError } from "@messenger-ts/core";
import { assertTransportNames } from "../application/transport-names.js";
import { defineCommand } from "../console/console-command.js";

/** `messenger:setup-transports [transport]`: creates tables, streams and indexes. */
export const setupTransportsCommand = defineCommand({
  name: "messenger:setup-transports",
  description: "Prepare the required infrastructure for the transports",
  configure(command) {
    command.argument("[transport]", "a transport name (default: every transport)");
  },
  async execute({ args }, { output, application }) {
    const { messenger } = await application();
    const given = args[0] as string | undefined;
    if (given !== undefined) assertTransportNames(messenger, [given]);
    for (const name of given !== undefined ? [given] : messenger.transportNames) {
      const transport = messenger.getTransport(name);
      if (!isSetupableTransport(transport)) {
        output.note(`The "${name}" transport does not support setup.`);
        continue;
      }
      try {
        await transport.setup();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TransportError(`An error occurred while setting up the "${name}" transport: ${reason}`, {
          cause: error,
        });
      }
      output.success(`The "${name}" transport was set up successfully.`);
      // Set up, yet at risk (a Redis without persistence): say so where the operator looks.
      if (isWarningTransport(transport)) {
        for (const warning of await transport.warnings())
          output.warning(`The "${name}" transport: ${warning}`);
      }
    }
  },
});
