import type { createColors } from "picocolors";

type Colors = ReturnType<typeof createColors>;

export type LogLineLevel = "INFO" | "WARNING" | "ERROR";

/** One worker line on stderr, as `messenger:consume` prints them: time, level, text. */
export function logLine(colors: Colors, now: number, level: LogLineLevel, text: string): string {
  const paint = level === "INFO" ? colors.green : level === "WARNING" ? colors.yellow : colors.red;
  const time = new Date(now).toTimeString().slice(0, 8);
  return `${colors.dim(time)} ${paint(level.padEnd(7))} ${text}\n`;
}
