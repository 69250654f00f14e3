import type { Logger } from "@messenger-ts/core";

/** Keeps what was logged, so a test can assert that a problem was reported. */
export class RecordingLogger implements Logger {
  readonly records: { level: string; message: string; context: Record<string, unknown> }[] = [];

  debug(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: "debug", message, context });
  }
  info(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: "info", message, context });
  }
  warn(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: "warn", message, context });
  }
  error(context: Record<string, unknown>, message: string): void {
    this.records.push({ level: "error", message, context });
  }

  messages(level: string): string[] {
    return this.records.filter((r) => r.level === level).map((r) => r.message);
  }
}
