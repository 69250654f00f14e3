import type { EventDispatcher } from "../events/event-dispatcher.js";

/**
 * Behaviour attached to worker events (Symfony's event subscribers). `register` subscribes each
 * handler method with its Symfony priority and returns a function that removes them all again.
 */
export interface WorkerListener {
  register(events: EventDispatcher): () => void;
}

/** Registers several listeners; the returned function removes every one of them. */
export function registerListeners(events: EventDispatcher, listeners: readonly WorkerListener[]): () => void {
  const removers = listeners.map((listener) => listener.register(events));
  return () => {
    for (const remove of removers) remove();
  };
}
