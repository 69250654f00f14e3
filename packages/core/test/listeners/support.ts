import { type Mock, vi } from "vitest";
import {
  type Envelope,
  type Logger,
  type Sender,
  TransportMessageIdStamp,
  type WorkerMetadata,
} from "../../src/index.js";

/** A sender that records what it was given and stamps an id, like a real transport. */
export class FakeSender implements Sender {
  readonly sent: Envelope[] = [];
  failWith: Error | undefined;

  async send(envelope: Envelope): Promise<Envelope> {
    if (this.failWith) throw this.failWith;
    const stored = envelope.with(new TransportMessageIdStamp(`id-${this.sent.length + 1}`));
    this.sent.push(stored);
    return stored;
  }

  get last(): Envelope {
    const last = this.sent.at(-1);
    if (!last) throw new Error("nothing was sent");
    return last;
  }
}

export interface LogLine {
  readonly level: keyof Logger;
  readonly context: Record<string, unknown>;
  readonly message: string;
}

/** A logger that keeps its lines. */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: keyof Logger) =>
    (context: Record<string, unknown>, message: string): void => {
      lines.push({ level, context, message });
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** What a stop-condition listener sees of a worker. */
export function fakeWorker(startedAt = 0): { metadata: WorkerMetadata; stop: Mock<() => void> } {
  return {
    metadata: { transportNames: ["async"], queueNames: undefined, startedAt },
    stop: vi.fn(),
  };
}
