/** What the runner asks of a worker process. */
export interface WorkerConfig {
  readonly system: string;
  readonly concurrency: number;
  /** Report every handler call (latency and retry scenarios); off when only totals count. */
  readonly reportEach: boolean;
  /** Report "done" after this many handler calls, and "acked" after this many acknowledgements (0: never). */
  readonly expect: number;
  /** Report the process's memory every this many handler calls (0: never). */
  readonly sampleEvery: number;
  /** Every handler call awaits a timer of this many ms after recording itself, as if it did I/O (0 or absent: none). */
  readonly handlerMs?: number;
  /**
   * Load the system's library and report "loaded", but start consuming only on the runner's
   * "go": several workers then start at one instant, their Node.js start-up behind them.
   */
  readonly waitForGo?: boolean;
}

export interface MemorySample {
  /** Handler calls so far. */
  readonly handled: number;
  readonly rss: number;
  readonly heapUsed: number;
  /** CPU time the process used since it started, user + system, in microseconds (process.cpuUsage()). */
  readonly cpu: number;
}

/** What a worker process reports; `at` values are wall-clock ms (see clock.ts). */
export type WorkerEvent =
  /** With `waitForGo`: started and the library loaded; waiting for "go" to consume. */
  | { readonly type: "loaded" }
  | { readonly type: "ready"; readonly at: number; readonly memory: MemorySample }
  | { readonly type: "handled"; readonly id: number; readonly at: number; readonly sentAt?: number }
  | { readonly type: "done"; readonly first: number; readonly last: number; readonly count: number }
  | { readonly type: "acked"; readonly at: number; readonly count: number }
  | { readonly type: "memory"; readonly at: number; readonly memory: MemorySample }
  /** The answer to a "sample" command: memory and CPU now, and the first and last handler call so far (0: none). */
  | {
      readonly type: "sample";
      readonly at: number;
      readonly memory: MemorySample;
      readonly first: number;
      readonly last: number;
    }
  | { readonly type: "error"; readonly message: string }
  /** After stop(): every handler call the worker saw, failed attempts included. */
  | {
      readonly type: "stopped";
      readonly handled: number;
      /** Handler calls whose job carried a body (payload scenario). */
      readonly withBody: number;
      /** How long the handler's timer of `handlerMs` really took, mean over the calls. */
      readonly timerMs?: number;
    };

export type WorkerCommand = { readonly type: "stop" } | { readonly type: "sample" } | { readonly type: "go" };
