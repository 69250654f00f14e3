import { Socket } from "node:net";

/** Where a backing service listens. */
export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
}

/** True when a TCP connection to the address opens within the timeout. */
export function probeTcp({ host, port }: ServiceAddress, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Whether the tests that need a service can run. Locally an unreachable service skips them with a
 * loud message; under `CI=true` it is an error, so a CI run never passes by skipping.
 *
 * @example
 * ```ts
 * const up = await requireService("PostgreSQL", { host: "127.0.0.1", port: 5432 });
 * describe.skipIf(!up)("postgres transport", () => { ... });
 * ```
 */
export async function requireService(
  name: string,
  address: ServiceAddress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (await probeTcp(address)) return true;
  const where = `${address.host}:${address.port}`;
  if (env.CI === "true" || env.CI === "1") {
    throw new Error(`${name} is not reachable at ${where}, and CI=true: tests that need it must run.`);
  }
  console.warn(`\n!!! ${name} is not reachable at ${where}: SKIPPING the tests that need it. !!!\n`);
  return false;
}
