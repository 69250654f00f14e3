import { MessengerError } from "@messenger-ts/core";

type SchedulerModule = typeof import("@messenger-ts/scheduler");

/**
 * Imports `@messenger-ts/scheduler` on demand: it is an optional peer of the CLI, so the other
 * commands must work without it installed.
 */
export async function loadScheduler(): Promise<SchedulerModule> {
  try {
    return await import("@messenger-ts/scheduler");
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new MessengerError(
        "SCHEDULER_NOT_INSTALLED",
        "debug:scheduler needs @messenger-ts/scheduler; install it beside @messenger-ts/cli.",
        { cause: error },
      );
    }
    throw error;
  }
}
