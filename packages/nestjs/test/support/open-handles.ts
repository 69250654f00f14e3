/** The process's open sockets and servers (what would keep it alive after the application closed). */
export function openSockets(): string[] {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP"));
}

/** Polls until `check` holds (generous: the machine may be loaded); fails with the last value. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
