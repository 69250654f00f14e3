import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/testing/index.js";

describe("freePort", () => {
  it("gives a port on 127.0.0.1 that a server can listen on, released by the probe", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
