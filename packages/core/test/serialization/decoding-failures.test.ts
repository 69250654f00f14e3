import { afterEach, describe, expect, it } from "vitest";
import {
  AsMessage,
  type EncodedEnvelope,
  JsonSerializer,
  MessageDecodingFailedError,
} from "../../src/index.js";

@AsMessage("test.serializer.failures.note")
class Note {
  constructor(
    readonly text: string,
    readonly meta: Record<string, unknown> = {},
  ) {}
}

@AsMessage("test.serializer.failures.guarded")
class Guarded {
  #text = "";
  set text(value: string) {
    throw new Error(`setter must not run (${value})`);
  }
  get text(): string {
    return this.#text;
  }
}

const serializer = new JsonSerializer();
const TYPE = "test.serializer.failures.note";

function decodeError(encoded: EncodedEnvelope): MessageDecodingFailedError {
  try {
    serializer.decode(encoded);
  } catch (error) {
    expect(error).toBeInstanceOf(MessageDecodingFailedError);
    expect((error as MessageDecodingFailedError).code).toBe("MESSAGE_DECODING_FAILED");
    return error as MessageDecodingFailedError;
  }
  throw new Error("decode did not fail");
}

afterEach(() => {
  // Belt and braces: a failed test must not leave the prototype polluted for the next one.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe("JsonSerializer.decode failures", () => {
  it("an empty body", () => {
    expect(decodeError({ body: "", headers: { type: TYPE } }).message).toMatch(/body is empty/);
  });

  it("missing headers or a missing type header", () => {
    const noHeaders = { body: "{}" } as unknown as EncodedEnvelope;
    expect(decodeError(noHeaders).message).toMatch(/headers are missing/);
    expect(decodeError({ body: "{}", headers: {} }).message).toMatch(/"type" header is missing/);
  });

  it("an unknown type, named", () => {
    expect(decodeError({ body: "{}", headers: { type: "test.serializer.failures.gone" } }).message).toMatch(
      /unknown message type "test\.serializer\.failures\.gone"/,
    );
  });

  it("a body that is not JSON", () => {
    const invalid = /^Could not decode message: the body is not valid JSON: .*position 1/;
    expect(decodeError({ body: "{oops", headers: { type: TYPE } }).message).toMatch(invalid);
    // Without a type header too: the broken body is reported, not the missing header.
    expect(decodeError({ body: "{oops", headers: {} }).message).toMatch(invalid);
    expect(decodeError({ body: "{oops", headers: {} }).message).not.toMatch(/header/);
  });

  it("a body nested deeper than 512 levels, with or without tags, fails without a stack overflow", () => {
    const deep = (levels: number, inner = "1") =>
      `{"text":"x","meta":${'{"a":'.repeat(levels)}${inner}${"}".repeat(levels)}}`;
    // No tag: every parsed body is walked, and the error says where by the path.
    expect(decodeError({ body: deep(100_000), headers: { type: TYPE } }).message).toMatch(
      /^Could not decode message: nesting deeper than 512 levels at \$\.meta\.a\.a\.a/,
    );
    expect(decodeError({ body: deep(512), headers: { type: TYPE } }).message).toMatch(/deeper than 512/);
    expect(
      decodeError({ body: deep(100_000, '{"$date":"2024-01-01"}'), headers: { type: TYPE } }).message,
    ).toMatch(/^Could not decode message: nesting deeper than 512 levels/);
    // Brackets inside strings do not count; 512 levels in all (root included) are fine, 513 are not.
    const brackets = `"${'[{\\"'.repeat(600)}"`;
    const note = serializer.decode({ body: deep(511, brackets), headers: { type: TYPE } }).message as Note;
    expect(note.text).toBe("x");
  });

  it("a body that is not an object of fields", () => {
    expect(decodeError({ body: "[1,2]", headers: { type: TYPE } }).message).toMatch(
      /expected an object of fields/,
    );
  });

  it("an unknown stamp, named", () => {
    const error = decodeError({ body: "{}", headers: { type: TYPE, "X-Message-Stamp-NopeStamp": "[]" } });
    expect(error.message).toMatch(/Could not decode stamp "NopeStamp"/);
  });

  it("a stamp header that is not JSON, or not an array", () => {
    const headers = (value: string) => ({ type: TYPE, "X-Message-Stamp-DelayStamp": value });
    expect(decodeError({ body: "{}", headers: headers("[{") }).message).toMatch(
      /^Could not decode stamp "DelayStamp"/,
    );
    expect(decodeError({ body: "{}", headers: headers('{"delay":1}') }).message).toMatch(
      /expected a JSON array/,
    );
  });

  it("a stamp whose fields break its own rules (constructor errors become decoding errors)", () => {
    const error = decodeError({
      body: "{}",
      headers: { type: TYPE, "X-Message-Stamp-DelayStamp": '[{"delay":-5}]' },
    });
    expect(error.message).toMatch(/Could not decode stamp "DelayStamp".*-5/);
    expect(
      decodeError({ body: "{}", headers: { type: TYPE, "X-Message-Stamp-BusNameStamp": "[{}]" } }).message,
    ).toMatch(/"busName" must be a string/);
  });
});

describe("hostile input", () => {
  const hostileBodies = [
    ['{"text":"x","__proto__":{"polluted":"yes"}}', "__proto__", "at $ ("],
    ['{"text":"x","meta":{"a":[{"__proto__":{"polluted":"yes"}}]}}', "__proto__", "at $.meta.a[0] ("],
    ['{"text":"x","constructor":{"prototype":{"polluted":"yes"}}}', "constructor", "at $ ("],
    ['{"text":"x","meta":{"prototype":{"polluted":"yes"}}}', "prototype", "at $.meta ("],
    ['{"text":"x","meta":{"$object":{"__proto__":{"polluted":"yes"}}}}', "__proto__", "at $.meta.$object ("],
    [
      '{"text":"x","meta":{"$map":[["k",{"__proto__":{"polluted":"yes"}}]]}}',
      "__proto__",
      "at $.meta.$map[0][1] (",
    ],
  ] as const;

  for (const [body, key, path] of hostileBodies) {
    it(`refuses "${key}" in the body: ${body}`, () => {
      const error = decodeError({ body, headers: { type: TYPE } });
      expect(error.message).toContain(`forbidden key "${key}"`);
      expect(error.message).toContain(path);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it("sees forbidden keys spelled with \\u escapes (the plain-text fast path must not skip them)", () => {
    const body = '{"text":"x","meta":{"\\u005f_proto__":{"polluted":"yes"}}}';
    expect(decodeError({ body, headers: { type: TYPE } }).message).toContain('forbidden key "__proto__"');
    const stamp = '[{"busName":"b","\\u0063onstructor":{}}]';
    const headers = { type: TYPE, "X-Message-Stamp-BusNameStamp": stamp };
    expect(decodeError({ body: "{}", headers }).message).toContain('forbidden key "constructor"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses __proto__ and constructor in stamp headers", () => {
    for (const stamp of [
      '[{"busName":"b","__proto__":{"polluted":"yes"}}]',
      '[{"busName":"b","constructor":{}}]',
    ]) {
      const error = decodeError({
        body: "{}",
        headers: { type: TYPE, "X-Message-Stamp-BusNameStamp": stamp },
      });
      expect(error.message).toMatch(
        /Could not decode stamp "BusNameStamp": forbidden key "(__proto__|constructor)"/,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a $type naming something that is not a registered message", () => {
    const body = '{"text":"x","meta":{"$type":"Function","value":{}}}';
    expect(decodeError({ body, headers: { type: TYPE } }).message).toMatch(/unknown message type "Function"/);
  });

  it("never runs setters or constructors: fields are defined, not assigned", () => {
    const decoded = serializer.decode({
      body: '{"text":"defined"}',
      headers: { type: "test.serializer.failures.guarded" },
    });
    const message = decoded.message as Guarded;
    expect(message).toBeInstanceOf(Guarded);
    expect(Object.getOwnPropertyDescriptor(message, "text")?.value).toBe("defined");
  });

  it("a hostile header name does not reach the headers object's prototype", () => {
    const headers = JSON.parse(`{"type":"${TYPE}","__proto__":{"polluted":"yes"}}`);
    expect(serializer.decode({ body: '{"text":"x"}', headers }).message).toBeInstanceOf(Note);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
