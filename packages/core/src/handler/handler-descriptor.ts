import { type BatchHandler, isBatchHandler } from "../batch/batch-handler.js";

/** What a handler is called with: the message, then any extra arguments. */
export type HandlerCallable = (message: any, ...args: any[]) => unknown;

/** Where and when a handler runs. */
export interface HandlerOptions {
  /** Register only on this bus; default: every bus. */
  readonly bus?: string;
  /** On receive, run only when the message came from this transport (sync dispatches run every handler). */
  readonly fromTransport?: string;
  /** Higher runs first among the handlers of the same message class. @defaultValue 0 */
  readonly priority?: number;
  /** Appended to the handler name (`Class.method@alias`) to tell two registrations apart. */
  readonly alias?: string;
  /**
   * Milliseconds the handler may run before it fails with a `HandlerTimeoutError` and its
   * signal is aborted. Overrides the message class's `handlerTimeout` and the worker's.
   */
  readonly timeout?: number;
}

/**
 * One registered handler. `name` (`Class.method`, or the function name) identifies it in handled
 * stamps, so a retry skips the handlers that already succeeded: keep it stable across deploys.
 */
export class HandlerDescriptor {
  readonly name: string;
  #batchHandler: BatchHandler | null | undefined;

  constructor(
    readonly handler: HandlerCallable,
    name: string,
    readonly options: HandlerOptions = {},
    private readonly resolveInstance?: () => object,
  ) {
    this.name = options.alias ? `${name}@${options.alias}` : name;
  }

  /** The batch handler behind this descriptor, when its class is one (resolved once, lazily). */
  getBatchHandler(): BatchHandler | undefined {
    if (this.#batchHandler === undefined) {
      const instance = this.resolveInstance?.();
      this.#batchHandler = isBatchHandler(instance) ? instance : null;
    }
    return this.#batchHandler ?? undefined;
  }
}
