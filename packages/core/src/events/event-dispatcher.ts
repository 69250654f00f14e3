export type EventClass<E extends object = object> = abstract new (...args: any[]) => E;
export type EventListener<E> = (event: E) => void | Promise<void>;

/** An event whose later listeners are skipped once one of them calls `stopPropagation()`. */
export abstract class StoppableEvent {
  #stopped = false;

  get isPropagationStopped(): boolean {
    return this.#stopped;
  }

  stopPropagation(): void {
    this.#stopped = true;
  }
}

interface Registration {
  readonly listener: EventListener<never>;
  readonly priority: number;
  readonly order: number;
}

/**
 * Typed events keyed by their exact class. Listeners run one after another, higher priority
 * first, then in registration order; async listeners are awaited so that ordering is meaningful
 * (the retry listener must finish before the failure listener looks at its decision).
 */
export class EventDispatcher {
  readonly #listeners = new Map<EventClass, Registration[]>();
  readonly #parent: EventDispatcher | undefined;
  #order = 0;

  /** A dispatcher whose events also reach the parent's listeners (merged by priority). */
  constructor(parent?: EventDispatcher) {
    this.#parent = parent;
  }

  /**
   * A child dispatcher: listeners added to it see only its own events, while the parent's
   * listeners see those too. A worker registers its stop conditions on its own child, so two
   * workers in one process never count each other's messages.
   */
  child(): EventDispatcher {
    return new EventDispatcher(this);
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends object>(type: EventClass<E>, listener: EventListener<E>, priority = 0): () => void {
    const list = this.#listeners.get(type) ?? [];
    const registration: Registration = {
      listener: listener as EventListener<never>,
      priority,
      order: this.#order++,
    };
    list.push(registration);
    list.sort((a, b) => b.priority - a.priority || a.order - b.order);
    this.#listeners.set(type, list);
    return () => {
      const current = this.#listeners.get(type);
      const index = current?.indexOf(registration) ?? -1;
      if (index >= 0) current!.splice(index, 1);
    };
  }

  hasListeners(type: EventClass): boolean {
    return (this.#listeners.get(type)?.length ?? 0) > 0 || (this.#parent?.hasListeners(type) ?? false);
  }

  #registrations(type: EventClass): Registration[] {
    const own = this.#listeners.get(type) ?? [];
    if (!this.#parent) return [...own];
    const inherited = this.#parent.#registrations(type);
    if (inherited.length === 0) return [...own];
    // Equal priorities: the child's own listeners (the worker's) run before inherited ones.
    return [...own, ...inherited].sort((a, b) => b.priority - a.priority);
  }

  /** Runs the listeners of the event's exact class in order and returns the event. */
  async dispatch<E extends object>(event: E): Promise<E> {
    const list = this.#registrations(event.constructor as EventClass);
    if (list.length === 0) return event;
    for (const { listener } of list) {
      if (event instanceof StoppableEvent && event.isPropagationStopped) break;
      await (listener as EventListener<E>)(event);
    }
    return event;
  }
}
