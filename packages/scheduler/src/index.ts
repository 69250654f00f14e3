export { CallbackMessageProvider } from "./callback-message-provider.js";
export { Checkpoint, type CheckpointAcquisition } from "./checkpoint.js";
export {
  type DescribeSchedulesOptions,
  describeSchedules,
  type RecurringMessageDescription,
  type ScheduleDescription,
} from "./debug/describe-schedules.js";
export { AsCronTask, type AsCronTaskOptions } from "./decorators/as-cron-task.js";
export { AsPeriodicTask, type AsPeriodicTaskOptions } from "./decorators/as-periodic-task.js";
export {
  AsSchedule,
  decoratedScheduleProviders,
  type ScheduleProviderClass,
} from "./decorators/as-schedule.js";
export {
  decoratedTasks,
  recurringMessageForTask,
  registerTaskService,
  type TaskClass,
  type TaskDefinition,
  taskServiceFor,
} from "./decorators/task-registry.js";
export { DEFAULT_TASK_METHOD } from "./decorators/task-target.js";
export { FailureEvent } from "./events/failure-event.js";
export { PostRunEvent } from "./events/post-run-event.js";
export { PreRunEvent } from "./events/pre-run-event.js";
export { MessageContext } from "./message-context.js";
export { MessageGenerator, type MessageGeneratorOptions, type ScheduledRun } from "./message-generator.js";
export { isMessageProvider, type MessageProvider } from "./message-provider.js";
export { RedispatchMessage } from "./messages/redispatch-message.js";
export { RedispatchMessageHandler } from "./messages/redispatch-message-handler.js";
export { ServiceCallMessage } from "./messages/service-call-message.js";
export { ServiceCallMessageHandler } from "./messages/service-call-message-handler.js";
export { type CronOptions, type EveryOptions, RecurringMessage } from "./recurring-message.js";
export { Schedule, type ScheduleLock, type ScheduleLockOptions } from "./schedule.js";
export { isScheduleProvider, type ScheduleProvider } from "./schedule-provider.js";
export { ScheduleRegistry, type ScheduleRegistryOptions } from "./schedule-registry.js";
export { ScheduleTransport, type ScheduleTransportOptions } from "./schedule-transport.js";
export { ScheduleTransportFactory } from "./schedule-transport-factory.js";
export { ScheduledStamp } from "./scheduled-stamp.js";
export { type SchedulerErrorCode, SchedulerErrorCodes } from "./scheduler-error-codes.js";
export { StaticMessageProvider } from "./static-message-provider.js";
export {
  type CheckpointState,
  type CheckpointStore,
  isCheckpointStore,
} from "./stores/checkpoint-store.js";
export { InMemoryScheduleStore } from "./stores/in-memory-schedule-store.js";
export { isLockStore, type LockStore } from "./stores/lock-store.js";
export {
  type MysqlPoolLike,
  MysqlScheduleStore,
  type MysqlScheduleStoreOptions,
} from "./stores/mysql-schedule-store.js";
export {
  type PgPoolLike,
  type PgQueryable,
  type PgQueryResult,
  PostgresScheduleStore,
  type PostgresScheduleStoreOptions,
} from "./stores/postgres-schedule-store.js";
export {
  type RedisLike,
  RedisScheduleStore,
  type RedisScheduleStoreOptions,
} from "./stores/redis-schedule-store.js";
export {
  type SqliteDatabaseLike,
  SqliteScheduleStore,
  type SqliteScheduleStoreOptions,
  type SqliteStatementLike,
} from "./stores/sqlite-schedule-store.js";
export type { DateInput } from "./support/to-time.js";
export { AbstractDecoratedTrigger } from "./triggers/abstract-decorated-trigger.js";
export { CallbackTrigger } from "./triggers/callback-trigger.js";
export { CronExpressionTrigger } from "./triggers/cron-expression-trigger.js";
export { ExcludeTimeTrigger } from "./triggers/exclude-time-trigger.js";
export {
  expandHashedCronExpression,
  HASH_RANGES,
  HASHED_CRON_ALIASES,
  isHashedCronExpression,
} from "./triggers/hashed-cron-expression.js";
export { type Interval, parseInterval } from "./triggers/interval.js";
export { JitterTrigger } from "./triggers/jitter-trigger.js";
export { PeriodicalTrigger } from "./triggers/periodical-trigger.js";
export { isStatefulTrigger, type StatefulTrigger, type Trigger } from "./triggers/trigger.js";

import { sendableStamps } from "@messenger-ts/core/serialization";
import { RedispatchMessageHandler } from "./messages/redispatch-message-handler.js";
import { ServiceCallMessageHandler } from "./messages/service-call-message-handler.js";
import { ScheduledStamp } from "./scheduled-stamp.js";

/** The handlers the scheduler needs, for an explicit `handlers` list in `createMessenger`. */
export const schedulerHandlers = [RedispatchMessageHandler, ServiceCallMessageHandler] as const;

/** The sendable stamps the scheduler adds (already in core's shared `sendableStamps`). */
export const schedulerSendableStamps = [ScheduledStamp] as const;

// Importing the scheduler makes its stamps travel with the default serializer, as the built-in
// ones do; a serializer built with its own StampRegistry still needs them registered.
for (const stamp of schedulerSendableStamps) sendableStamps.register(stamp);
