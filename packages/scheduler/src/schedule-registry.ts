import { InvalidArgumentError, LogicError } from "@messenger-ts/core";
import { decoratedScheduleProviders } from "./decorators/as-schedule.js";
import { decoratedTasks, recurringMessageForTask } from "./decorators/task-registry.js";
import { Schedule } from "./schedule.js";
import { isScheduleProvider, type ScheduleProvider } from "./schedule-provider.js";

export interface ScheduleRegistryOptions {
  /**
   * Builds the instance of an `@AsSchedule` class; pass the container's resolver to inject its
   * dependencies: `(type) => container.resolve(type)`. @defaultValue `new type()`
   */
  readonly resolve?: (type: new (...args: any[]) => object) => object;
  /**
   * Include the `@AsSchedule` classes and the `@AsCronTask` / `@AsPeriodicTask` tasks declared in
   * the process. @defaultValue true
   */
  readonly decorated?: boolean;
}

const SCHEDULE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The schedules of an application, one provider per name: what the `schedule://<name>`
 * transports consume and what `debug:scheduler` lists.
 *
 * Each schedule is resolved once, on first use: its provider's schedule, plus the decorated tasks
 * of that name (a name with tasks but no provider gets a new `Schedule`).
 */
export class ScheduleRegistry {
  readonly #providers = new Map<string, ScheduleProvider>();
  readonly #schedules = new Map<string, Schedule>();
  readonly #resolve: (type: new (...args: any[]) => object) => object;
  readonly #decorated: boolean;

  constructor(options: ScheduleRegistryOptions = {}) {
    this.#resolve = options.resolve ?? ((type) => new type());
    this.#decorated = options.decorated ?? true;
  }

  /** Adds the provider of a schedule (a `Schedule` is its own provider). */
  add(name: string, provider: ScheduleProvider): this {
    assertScheduleName(name);
    if (!isScheduleProvider(provider)) {
      throw new InvalidArgumentError(
        `The provider of schedule "${name}" must be a Schedule or have a getSchedule() method.`,
        { code: "INVALID_SCHEDULE_PROVIDER" },
      );
    }
    if (this.#providers.has(name)) {
      throw new LogicError(`Schedule "${name}" is already registered.`, { code: "DUPLICATE_SCHEDULE" });
    }
    this.#providers.set(name, provider);
    return this;
  }

  has(name: string): boolean {
    return this.names().includes(name);
  }

  /** Every schedule name, sorted. */
  names(): string[] {
    const names = new Set(this.#providers.keys());
    if (this.#decorated) {
      for (const name of decoratedScheduleProviders().keys()) names.add(name);
      for (const task of decoratedTasks()) names.add(task.schedule);
    }
    return [...names].sort();
  }

  /** A provider that resolves the schedule through this registry (once). */
  provider(name: string): ScheduleProvider {
    this.#assertKnown(name);
    return { getSchedule: () => this.getSchedule(name) };
  }

  getSchedule(name: string): Schedule {
    const cached = this.#schedules.get(name);
    if (cached) return cached;
    this.#assertKnown(name);
    let provider = this.#providers.get(name);
    const providerClass = this.#decorated ? decoratedScheduleProviders().get(name) : undefined;
    if (!provider && providerClass) provider = this.#resolve(providerClass) as ScheduleProvider;
    const schedule = provider ? provider.getSchedule() : new Schedule();
    if (this.#decorated) {
      const tasks = decoratedTasks(name).map(recurringMessageForTask);
      if (tasks.length > 0) schedule.add(...tasks);
    }
    this.#schedules.set(name, schedule);
    return schedule;
  }

  /**
   * The transports to configure, one receive-only `scheduler_<name>` per schedule, for
   * `createMessenger({ transports: { ...registry.transports(), ... } })`.
   */
  transports(): Record<string, string> {
    return Object.fromEntries(this.names().map((name) => [`scheduler_${name}`, `schedule://${name}`]));
  }

  #assertKnown(name: string): void {
    if (!this.has(name)) {
      throw new InvalidArgumentError(
        `No schedule named "${name}"; schedules: ${this.names().join(", ") || "none"}. Register it with ScheduleRegistry.add(), @AsSchedule, or a task decorator.`,
        { code: "UNKNOWN_SCHEDULE" },
      );
    }
  }
}

export function assertScheduleName(name: string): void {
  if (typeof name !== "string" || !SCHEDULE_NAME.test(name)) {
    throw new InvalidArgumentError(
      `Invalid schedule name ${JSON.stringify(name)}: use letters, digits and . _ - (it becomes part of a DSN and of store keys).`,
      { code: "INVALID_SCHEDULE_NAME" },
    );
  }
}
