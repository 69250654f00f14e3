import { describe, expect, it } from "vitest";
import { parsePeerRelease, peerModule, peerVersion } from "../src/peers.js";

describe("peer releases", () => {
  it("reads --peers: pinned by default, newest on request, anything else refused with what is allowed", () => {
    expect(parsePeerRelease(undefined)).toBe("pinned");
    expect(parsePeerRelease("newest")).toBe("newest");
    expect(() => parsePeerRelease("latest")).toThrow('--peers takes pinned or newest, got "latest".');
  });

  it("loads the newest releases under their aliases and the pinned ones under their own names", () => {
    expect(peerModule("pg-boss", "newest")).toBe("pg-boss-next");
    expect(peerModule("pg-boss", "pinned")).toBe("pg-boss");
  });

  it("has both releases installed: the pinned ones for Node 20, the newest from graphile-worker 0.18 and pg-boss 12", () => {
    expect(peerVersion("graphile-worker", "pinned")).toMatch(/^0\.17\./);
    expect(peerVersion("graphile-worker", "newest")).toMatch(/^0\.(1[89]|[2-9]\d)\./);
    expect(peerVersion("pg-boss", "pinned")).toMatch(/^10\./);
    expect(Number.parseInt(peerVersion("pg-boss", "newest"), 10)).toBeGreaterThanOrEqual(12);
    expect(peerVersion("bullmq", "newest")).toMatch(/^\d+\.\d+\.\d+/);
  });
});
