export type { ConsoleApplication } from "./application/console-application.js";
export {
  CONFIG_FILE_NAMES,
  type ConfigFileApplication,
  type ConfigFileExport,
  findConfigFile,
  type LoadedConfig,
  loadConfigFile,
} from "./application/load-config-file.js";
export { assertTransportNames } from "./application/transport-names.js";
export { type CliErrorCode, CliErrorCodes } from "./cli-error-codes.js";
export { type ConsumeCommandOptions, consumeCommand } from "./commands/consume-command.js";
export { debugMessengerCommand } from "./commands/debug-messenger-command.js";
export { debugSchedulerCommand } from "./commands/debug-scheduler-command.js";
export { failedRemoveCommand } from "./commands/failed-remove-command.js";
export { failedRetryCommand } from "./commands/failed-retry-command.js";
export { failedShowCommand } from "./commands/failed-show-command.js";
export { messengerCommands } from "./commands/messenger-commands.js";
export { setupTransportsCommand } from "./commands/setup-transports-command.js";
export { statsCommand } from "./commands/stats-command.js";
export { stopWorkersCommand } from "./commands/stop-workers-command.js";
export { workersCommand } from "./commands/workers-command.js";
export {
  type CommandContext,
  type CommandInput,
  type ConsoleCommand,
  defineCommand,
} from "./console/console-command.js";
export { ConsoleKernel, type ConsoleKernelOptions, type GlobalOptions } from "./console/console-kernel.js";
export {
  ConsoleOutput,
  type ConsoleOutputOptions,
  type TableCell,
  type Writable,
} from "./console/console-output.js";
export { ExitCode } from "./console/exit-code.js";
export { addFormatOption, type OutputFormat } from "./console/format-option.js";
export {
  choice,
  collect,
  dateTime,
  nonNegativeSeconds,
  port,
  positiveInteger,
  positiveSeconds,
} from "./console/option-parsers.js";
export { UsageError } from "./console/usage-error.js";
export { Verbosity } from "./console/verbosity.js";
export {
  type BusDescription,
  describeBuses,
  type HandledMessageDescription,
  type HandlerDescription,
} from "./debug/describe-buses.js";
export { formatRfc2822 } from "./debug/format-rfc2822.js";
// The failed:* commands' library calls, for other front ends (the dashboard) to do exactly what they do.
export {
  classLabel,
  describeFailedMessage,
  type FailedMessage,
  messageBody,
} from "./failed/failed-message.js";
export { FailedMessageFilter, type FailedMessageFilterOptions } from "./failed/failed-message-filter.js";
export {
  FAILED_PAGE_SIZE,
  type FailedMessageList,
  type FailedMessageSelection,
  listFailedMessages,
  readFailedPages,
} from "./failed/list-failed-messages.js";
export { type RemovalBounds, removeFailedMessages } from "./failed/remove-failed-messages.js";
export { type RetryOutcome, retryFailedMessage } from "./failed/retry-failed-message.js";
export { runStandalone } from "./standalone/run-standalone.js";
