/**
 * A date as operators read it in tables, `2026-01-31 12:00:00` in the process's time zone
 * (Symfony's `Y-m-d H:i:s`); `--failed-after` / `--failed-before` read such a value back the same way.
 */
export function formatDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
