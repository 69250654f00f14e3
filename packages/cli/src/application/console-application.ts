import type { Messenger } from "@messenger-ts/core";
import type { RestartSignalStore } from "@messenger-ts/core/transport";
import type { ScheduleRegistry } from "@messenger-ts/scheduler";

/** What the messenger commands work on: the running messenger and, when there is one, its schedules. */
export interface ConsoleApplication {
  readonly messenger: Messenger;
  /** For `debug:scheduler` and the `scheduler_<name>` receivers. */
  readonly schedules?: ScheduleRegistry;
  /** Where `messenger:stop-workers` also leaves its signal, besides the transports that can hold one. */
  readonly restartSignalStores?: readonly RestartSignalStore[];
  /** Called once when the command is done (default: `messenger.close()`). */
  close?(): Promise<void>;
}
