/**
 * Races promises against one stop, for a worker that races every fetch against `stop()`. An
 * `AbortSignal` listener per race (`addEventListener`, then `removeEventListener`) costs a few
 * microseconds each time, a visible share of a fast worker's cycle; a settled race here only
 * leaves a set it was taken out of. Like `raceSignal`, nothing stays behind once a race settles.
 */
export class StopRace {
  readonly #waiters = new Set<() => void>();
  #stopped = false;

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Races not settled yet. */
  get racing(): number {
    return this.#waiters.size;
  }

  /** Ends every race in progress, and every later one at once, with its `whenStopped`. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** `promise`'s outcome, or `whenStopped` as soon as stop() is called, whichever comes first. */
  race<T, S>(promise: Promise<T>, whenStopped: S): Promise<T | S> {
    if (this.#stopped) return Promise.resolve(whenStopped);
    return new Promise<T | S>((resolve, reject) => {
      const onStop = () => resolve(whenStopped);
      this.#waiters.add(onStop);
      promise.then(
        (value) => {
          this.#waiters.delete(onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiters.delete(onStop);
          reject(error);
        },
      );
    });
  }
}
