import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, probeTcp, requireService } from "../../src/testing/index.js";

let server: Server;
let openPort: number;
let closedPort: number;

beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  openPort = (server.address() as { port: number }).port;
  closedPort = await freePort();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("requireService", () => {
  it("reports a listening service as available", async () => {
    expect(await probeTcp({ host: "127.0.0.1", port: openPort })).toBe(true);
    expect(await requireService("Svc", { host: "127.0.0.1", port: openPort }, {})).toBe(true);
  });

  it("skips loudly when the service is down locally", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await requireService("Svc", { host: "127.0.0.1", port: closedPort }, {})).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("SKIPPING"));
    warn.mockRestore();
  });

  it("fails under CI=true when the service is down", async () => {
    await expect(
      requireService("Svc", { host: "127.0.0.1", port: closedPort }, { CI: "true" }),
    ).rejects.toThrowError(/Svc is not reachable .* CI=true/);
  });
});
