import { assertDispatchable, InvalidArgumentError } from "@messenger-ts/core";
import type { MessageContext } from "./message-context.js";
import { isMessageProvider, type MessageProvider } from "./message-provider.js";
import { StaticMessageProvider } from "./static-message-provider.js";
import { hasOwnToString, messageIdentity, messageTypeName } from "./support/message-identity.js";
import { shortHash } from "./support/short-hash.js";
import type { DateInput } from "./support/to-time.js";
import { CronExpressionTrigger } from "./triggers/cron-expression-trigger.js";
import { JitterTrigger } from "./triggers/jitter-trigger.js";
import { PeriodicalTrigger } from "./triggers/periodical-trigger.js";
import type { Trigger } from "./triggers/trigger.js";

export interface EveryOptions {
  /** The anchor of the runs; default: the schedule's first start. */
  readonly from?: DateInput;
  /** No run at or after this date. @defaultValue 3000-01-01 */
  readonly until?: DateInput;
}

export interface CronOptions {
  /** IANA time zone the expression is read in. @defaultValue UTC */
  readonly timezone?: string;
}

/**
 * A message (or a provider of messages) with the trigger that says when to send it.
 *
 * Its `id` is a hash of the provider's id and the trigger's description: the same
 * configuration gives the same id in every process, which the checkpoint and `ScheduledStamp`
 * rely on. A schedule refuses two recurring messages with the same id.
 */
export class RecurringMessage {
  readonly #trigger: Trigger;
  readonly #provider: MessageProvider;
  readonly #id: string;

  private constructor(trigger: Trigger, provider: MessageProvider) {
    this.#trigger = trigger;
    this.#provider = provider;
    this.#id = shortHash(`${provider.id}\u0000${trigger.description}`, 16);
  }

  /**
   * Every `frequency`: milliseconds, `"10 minutes"`-style strings or ISO 8601 durations. The
   * first run is one interval after the schedule starts (or at `from`).
   */
  static every(frequency: number | string, message: object, options: EveryOptions = {}): RecurringMessage {
    return RecurringMessage.trigger(new PeriodicalTrigger(frequency, options.from, options.until), message);
  }

  /**
   * At the times a cron expression matches. `#` fields and `#daily`-style aliases are filled in
   * from the message's identity (its `toString()`, else its type name and fields), so the same
   * message always runs at the same minute while different messages spread out.
   */
  static cron(expression: string, message: object, options: CronOptions | string = {}): RecurringMessage {
    const timezone = typeof options === "string" ? options : options.timezone;
    const context = isMessageProvider(message) ? message.id : identityOf(message);
    return RecurringMessage.trigger(CronExpressionTrigger.fromSpec(expression, context, timezone), message);
  }

  /** Any trigger, with a message or a {@link MessageProvider}. */
  static trigger(trigger: Trigger, message: object | MessageProvider): RecurringMessage {
    if (typeof trigger?.getNextRunDate !== "function" || typeof trigger.description !== "string") {
      throw new InvalidArgumentError(
        "RecurringMessage.trigger() needs a trigger: an object with getNextRunDate(after) and a description.",
        { code: "INVALID_TRIGGER" },
      );
    }
    if (isMessageProvider(message)) return new RecurringMessage(trigger, message);
    const identity = identityOf(message);
    const description = hasOwnToString(message)
      ? `${messageTypeName(message)}(${String(message)})`
      : messageTypeName(message);
    return new RecurringMessage(
      trigger,
      new StaticMessageProvider([message], shortHash(identity, 7), description),
    );
  }

  /** The same message with up to `maxMs` milliseconds of random delay on each run. */
  withJitter(maxMs = 60_000): RecurringMessage {
    return new RecurringMessage(new JitterTrigger(this.#trigger, maxMs), this.#provider);
  }

  get id(): string {
    return this.#id;
  }

  get trigger(): Trigger {
    return this.#trigger;
  }

  get provider(): MessageProvider {
    return this.#provider;
  }

  getMessages(context: MessageContext): Iterable<object> {
    return this.#provider.getMessages(context);
  }
}

function identityOf(message: object): string {
  assertDispatchable(message);
  return messageIdentity(message);
}
