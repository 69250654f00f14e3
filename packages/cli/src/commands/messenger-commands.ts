import type { ConsoleCommand } from "../console/console-command.js";
import { consumeCommand } from "./consume-command.js";
import { debugMessengerCommand } from "./debug-messenger-command.js";
import { debugSchedulerCommand } from "./debug-scheduler-command.js";
import { failedRemoveCommand } from "./failed-remove-command.js";
import { failedRetryCommand } from "./failed-retry-command.js";
import { failedShowCommand } from "./failed-show-command.js";
import { pauseCommand } from "./pause-command.js";
import { resumeCommand } from "./resume-command.js";
import { setupTransportsCommand } from "./setup-transports-command.js";
import { statsCommand } from "./stats-command.js";
import { stopWorkersCommand } from "./stop-workers-command.js";
import { workersCommand } from "./workers-command.js";

/** Every `messenger:*` and `debug:*` command, for a console kernel. */
export function messengerCommands(): ConsoleCommand<any>[] {
  return [
    statsCommand,
    setupTransportsCommand,
    debugMessengerCommand,
    debugSchedulerCommand,
    consumeCommand,
    stopWorkersCommand,
    pauseCommand,
    resumeCommand,
    workersCommand,
    failedShowCommand,
    failedRetryCommand,
    failedRemoveCommand,
  ];
}
