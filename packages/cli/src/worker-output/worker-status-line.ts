import {
  type EventDispatcher,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageRetriedEvent,
} from "@messenger-ts/core";

export interface WorkerStatusLineOptions {
  /** Raw writes to the terminal (stderr). */
  readonly write: (text: string) => void;
  /** Milliseconds, for the rate. @defaultValue Date.now */
  readonly now?: () => number;
  /** Least time between two redraws. @defaultValue 250 */
  readonly interval?: number;
  /** The rate is averaged over this window. @defaultValue 5000 */
  readonly rateWindow?: number;
}

/** Erase the current terminal line and go back to its start. */
const CLEAR_LINE = "\r\x1b[2K";

/** What {@link WorkerStatusLine.interceptWrites} patches: a stream's `write`. */
export interface PatchableStream {
  write: (...args: any[]) => boolean;
}

/**
 * The live line `messenger:consume` keeps at the bottom of a terminal when it is not printing a
 * line per message: how many messages were handled, failed and retried, and how many finished per
 * second lately. Redrawn in place on a timer, so a busy worker costs a few writes a second however
 * fast it goes; never used when stderr is not a terminal (logs would fill with carriage returns).
 * Handlers print to the same terminal: {@link interceptWrites} keeps their lines above it.
 */
export class WorkerStatusLine {
  handled = 0;
  failed = 0;
  retried = 0;
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #rateWindow: number;
  /** (time, finished count) samples for the rate, oldest first. */
  #samples: [number, number][] = [];
  #timer: NodeJS.Timeout | undefined;
  #shown = "";
  /** Set while the line writes itself, so intercepted streams let those writes through. */
  #drawing = false;
  /** False after someone else wrote part of a line: drawing now would erase it. */
  #atLineStart = true;

  constructor(options: WorkerStatusLineOptions) {
    this.#write = options.write;
    this.#now = options.now ?? Date.now;
    this.#interval = options.interval ?? 250;
    this.#rateWindow = options.rateWindow ?? 5000;
  }

  /** Counts the worker's messages; the returned function stops counting. */
  register(events: EventDispatcher): () => void {
    const offs = [
      events.on(WorkerMessageHandledEvent, () => {
        this.handled++;
      }),
      events.on(WorkerMessageFailedEvent, () => {
        this.failed++;
      }),
      events.on(WorkerMessageRetriedEvent, () => {
        this.retried++;
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  start(): void {
    if (this.#timer) return;
    this.#samples = [[this.#now(), this.handled + this.failed]];
    this.redraw();
    this.#timer = setInterval(() => this.redraw(), this.#interval);
    // The line must never keep a finished worker's process alive.
    this.#timer.unref();
  }

  /** Stops redrawing and leaves the last figures on their own line. */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#atLineStart) this.#own("\n");
    this.#atLineStart = true;
    this.redraw();
    this.#own("\n");
    this.#shown = "";
  }

  /** Erases the line, so another message can be printed where it was; the next redraw restores it. */
  clear(): void {
    if (this.#shown === "") return;
    this.#own(CLEAR_LINE);
    this.#shown = "";
  }

  /** Writes the line again if its text changed. */
  redraw(): void {
    if (!this.#atLineStart) return;
    const text = this.text();
    if (text === this.#shown) return;
    this.#own(`${CLEAR_LINE}${text}`);
    this.#shown = text;
  }

  /**
   * Until the returned function is called, every other write to these streams (a handler's
   * `console.log`, a warning) first erases the line and then draws it again below what was
   * written, so the terminal shows their lines whole and the status under them.
   */
  interceptWrites(streams: readonly PatchableStream[]): () => void {
    const restores = streams.map((stream) => {
      const original = stream.write;
      stream.write = (...args: any[]): boolean => {
        if (this.#drawing) return original.apply(stream, args);
        this.clear();
        const written = original.apply(stream, args);
        const ends = endsWithNewline(args[0]);
        if (ends !== undefined) this.#atLineStart = ends;
        if (this.#timer) this.redraw();
        return written;
      };
      return () => {
        stream.write = original;
      };
    });
    return () => {
      for (const restore of restores) restore();
    };
  }

  #own(text: string): void {
    this.#drawing = true;
    try {
      this.#write(text);
    } finally {
      this.#drawing = false;
    }
  }

  /** The line: `Handled 120, failed 2, retried 1 (35.2 messages/s)`. */
  text(): string {
    return `Handled ${this.handled}, failed ${this.failed}, retried ${this.retried} (${this.#rate().toFixed(1)} messages/s)`;
  }

  /** Finished messages per second over the last window (a lifetime average hides a stalled worker). */
  #rate(): number {
    const now = this.#now();
    const finished = this.handled + this.failed;
    this.#samples.push([now, finished]);
    while (this.#samples.length > 2 && now - this.#samples[1]![0] >= this.#rateWindow) this.#samples.shift();
    const [since, before] = this.#samples[0]!;
    const elapsed = now - since;
    return elapsed > 0 ? ((finished - before) * 1000) / elapsed : 0;
  }
}

/** Whether a written chunk ends a line; undefined for an empty or unknown chunk. */
function endsWithNewline(chunk: unknown): boolean | undefined {
  if (typeof chunk === "string") return chunk.length === 0 ? undefined : chunk.endsWith("\n");
  if (chunk instanceof Uint8Array) return chunk.length === 0 ? undefined : chunk[chunk.length - 1] === 0x0a;
  return undefined;
}
