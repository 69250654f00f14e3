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
  #order = 0;

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
    return (this.#listeners.get(type)?.length ?? 0) > 0;
  }

  /** Runs the listeners of the event's exact class in order and returns the event. */
  async dispatch<E extends object>(event: E): Promise<E> {
    const list = this.#listeners.get(event.constructor as EventClass);
    if (!list) return event;
    for (const { listener } of [...list]) {
      if (event instanceof StoppableEvent && event.isPropagationStopped) break;
      await (listener as EventListener<E>)(event);
    }
    return event;
  }
}
