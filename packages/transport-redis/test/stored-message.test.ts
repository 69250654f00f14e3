import { describe, expect, it } from "vitest";
import { StoredMessageWriter, storedText } from "../src/stored-message.js";

// The entry's message field is read by every worker of the queue, PHP ones in Symfony mode
// included: the hand-built text must be JSON.stringify's, byte for byte, whatever the headers hold.
describe("StoredMessageWriter", () => {
  const cases: { body: string; headers: Record<string, string>; deduplication?: string }[] = [
    { body: '{"n":1}', headers: { type: "app.job", "Content-Type": "application/json" } },
    {
      body: '{"text":"quote \\" backslash \\\\ tab \\t"}',
      headers: {
        type: "app.job",
        "X-Message-Stamp-BusNameStamp": '[{"busName":"messenger.bus.default"}]',
        "X-Message-Stamp-HandledStamp": '[{"handlerName":"App\\\\Handler"}]',
      },
    },
    // Integer-like names come first in JSON.stringify, whatever their insertion order.
    { body: "{}", headers: { type: "app.job", "10": "ten", "2": "two", "é\u2028": "lone \ud800 surrogate" } },
    { body: "{}", headers: {} },
    { body: "{}", headers: { type: "app.job" }, deduplication: "0123456789abcdef" },
    { body: "{}", headers: { type: "x".repeat(300), long: "\u0001".repeat(300) } },
  ];

  it("writes what JSON.stringify writes, every time (also once the quoted texts are kept)", () => {
    const writer = new StoredMessageWriter();
    for (let round = 0; round < 2; round++) {
      for (const { body, headers, deduplication } of cases) {
        const expected =
          deduplication === undefined
            ? JSON.stringify({ body, headers })
            : JSON.stringify({ body, headers, deduplication });
        expect(storedText(writer.write(body, headers, deduplication))).toBe(expected);
      }
    }
  });

  it("gives a big message's head its tail, so the send script stores it without joining the two", () => {
    const writer = new StoredMessageWriter();
    const headers = {
      type: "app.job",
      "X-Message-Stamp-BusNameStamp": '[{"busName":"messenger.bus.default"}]',
    };
    const small = writer.write('{"n":1}', headers);
    const big = writer.write(JSON.stringify({ text: "x".repeat(2_000) }), headers);
    expect(small.tail, "a small message shares its headers' text").not.toBe("");
    expect(big.tail).toBe("");
    expect(big.head).toBe(JSON.stringify({ body: JSON.stringify({ text: "x".repeat(2_000) }), headers }));
  });

  it("keeps writing the right text after more distinct headers than it keeps", () => {
    const writer = new StoredMessageWriter();
    for (let i = 0; i < 1_000; i++) {
      const headers = { type: "app.job", "X-Message-Stamp-DelayStamp": `[{"delay":${i}}]` };
      expect(storedText(writer.write(`{"n":${i}}`, headers))).toBe(
        JSON.stringify({ body: `{"n":${i}}`, headers }),
      );
    }
  });

  it("writes each message's own headers when they change from one message to the next", () => {
    const writer = new StoredMessageWriter();
    const headers = (bus: string) => ({
      type: "app.job",
      "X-Message-Stamp-BusNameStamp": `[{"busName":"${bus}"}]`,
    });
    const first = writer.write('{"n":1}', headers("a"));
    const second = writer.write('{"n":2}', headers("a"));
    const other = writer.write('{"n":3}', headers("b"));
    expect(storedText(first)).toBe(JSON.stringify({ body: '{"n":1}', headers: headers("a") }));
    expect(storedText(second)).toBe(JSON.stringify({ body: '{"n":2}', headers: headers("a") }));
    expect(storedText(other)).toBe(JSON.stringify({ body: '{"n":3}', headers: headers("b") }));
  });

  it("leaves headers that break the serializer contract (not strings) to JSON.stringify", () => {
    const headers = { type: "app.job", count: 3, gone: undefined } as unknown as Record<string, string>;
    const body = undefined as unknown as string;
    expect(storedText(new StoredMessageWriter().write("{}", headers))).toBe(
      JSON.stringify({ body: "{}", headers }),
    );
    expect(storedText(new StoredMessageWriter().write(body, { type: "app.job" }))).toBe(
      JSON.stringify({ body, headers: { type: "app.job" } }),
    );
  });
});
