import { MessengerError, stopWorkers } from "@messenger-ts/core";
import { defineCommand } from "../console/console-command.js";

/**
 * `messenger:stop-workers`: leaves a restart signal in every transport that can hold one (and in
 * the application's `restartSignalStores`); every worker started before it stops after the
 * messages in hand. It stops them; a supervisor starts them again.
 */
export const stopWorkersCommand = defineCommand({
  name: "messenger:stop-workers",
  description: "Stop workers after their current message",
  async execute(_input, { output, application }) {
    const app = await application();
    const stores = await stopWorkers(app.messenger, app.restartSignalStores ?? []);
    if (stores === 0) {
      throw new MessengerError(
        "NO_RESTART_SIGNAL_STORE",
        `No transport can carry the stop signal (transports: ${app.messenger.transportNames.join(", ") || "none"}); use a durable transport (PostgreSQL, SQLite, Redis) or give the application restartSignalStores.`,
      );
    }
    output.success("Signal successfully sent to stop any running workers.");
  },
});
