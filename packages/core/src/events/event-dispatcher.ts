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

/** Shared by a dispatcher and its children: bumped on every change, so merged lists know when they are stale. */
interface Generation {
  value: number;
}

const NONE: readonly Registration[] = Object.freeze([]);

/**
 * Typed events keyed by their exact class. Listeners run one after another, higher priority
 * first, then in registration order; async listeners are awaited so that ordering is meaningful
 * (the retry listener must finish before the failure listener looks at its decision).
 *
 * Listener lists are replaced, never changed in place, so a dispatch walks the list as it was when
 * it started (a listener added meanwhile runs from the next event on) without copying it: a worker
 * dispatches three events per message. A child's merge with its parent's lists is kept until a
 * listener is added or removed anywhere in the family.
 */
export class EventDispatcher {
  readonly #listeners = new Map<EventClass, readonly Registration[]>();
  readonly #parent: EventDispatcher | undefined;
  readonly #generation: Generation;
  readonly #merged = new Map<
    EventClass,
    { readonly generation: number; readonly list: readonly Registration[] }
  >();
  #order = 0;

  /** A dispatcher whose events also reach the parent's listeners (merged by priority). */
  constructor(parent?: EventDispatcher) {
    this.#parent = parent;
    this.#generation = parent ? parent.#generation : { value: 0 };
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
    const registration: Registration = {
      listener: listener as EventListener<never>,
      priority,
      order: this.#order++,
    };
    this.#replace(
      type,
      [...(this.#listeners.get(type) ?? NONE), registration].sort(
        (a, b) => b.priority - a.priority || a.order - b.order,
      ),
    );
    return () => {
      const current = this.#listeners.get(type) ?? NONE;
      if (current.includes(registration))
        this.#replace(
          type,
          current.filter((r) => r !== registration),
        );
    };
  }

  hasListeners(type: EventClass): boolean {
    return (this.#listeners.get(type)?.length ?? 0) > 0 || (this.#parent?.hasListeners(type) ?? false);
  }

  #replace(type: EventClass, list: readonly Registration[]): void {
    this.#listeners.set(type, list);
    this.#generation.value++;
  }

  #registrations(type: EventClass): readonly Registration[] {
    const own = this.#listeners.get(type) ?? NONE;
    if (!this.#parent) return own;
    const cached = this.#merged.get(type);
    if (cached?.generation === this.#generation.value) return cached.list;
    const inherited = this.#parent.#registrations(type);
    // Equal priorities: the child's own listeners (the worker's) run before inherited ones.
    const list =
      inherited.length === 0
        ? own
        : own.length === 0
          ? inherited
          : [...own, ...inherited].sort((a, b) => b.priority - a.priority);
    this.#merged.set(type, { generation: this.#generation.value, list });
    return list;
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
