import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { payloadBody } from "../src/scenarios/payload-body.js";

describe("payload bodies", () => {
  it("are JSON texts of exactly the length asked for", () => {
    for (const length of [200, 1_000, 10_240, 65_536]) {
      for (const seed of [0, 1, 255]) {
        const body = payloadBody(seed, length);
        expect(body).toHaveLength(length);
        const order = JSON.parse(body) as { orderId: string; lines: unknown[] };
        expect(order.orderId).toBe(`ord-${seed}`);
      }
    }
  });

  it("are the same for the same seed and differ between seeds", () => {
    expect(payloadBody(7, 10_240)).toBe(payloadBody(7, 10_240));
    expect(payloadBody(7, 10_240)).not.toBe(payloadBody(8, 10_240));
  });

  it("compress like JSON does: well, but not to nothing", () => {
    const body = payloadBody(3, 10_240);
    const ratio = gzipSync(body).length / body.length;
    expect(ratio).toBeLessThan(0.5);
    expect(ratio).toBeGreaterThan(0.1);
  });

  it("rejects a length it cannot fill, naming it", () => {
    expect(() => payloadBody(0, 100)).toThrow(/length must be an integer >= 200, got 100/);
    expect(() => payloadBody(0, 1.5)).toThrow(RangeError);
  });
});
