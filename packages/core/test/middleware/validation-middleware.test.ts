import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AsMessage, createMessenger, defineHandler, ValidationFailedError } from "../../src/index.js";

@AsMessage("test.validation.create_lead", {
  schema: z.object({ email: z.string().email(), score: z.number().int().min(0) }),
})
class CreateLead {
  constructor(
    readonly email: string,
    readonly score: number,
  ) {}
}

@AsMessage("test.validation.rename_company", {
  schema: v.object({ ico: v.pipe(v.string(), v.regex(/^\d{8}$/, "ICO must have 8 digits")) }),
})
class RenameCompany {
  constructor(readonly ico: string) {}
}

function build() {
  const handled: object[] = [];
  const messenger = createMessenger({
    buses: { main: { middleware: ["validation"] } },
    handlers: [
      defineHandler("*", function record(m: object) {
        handled.push(m);
      }),
    ],
  });
  return { messenger, handled };
}

describe("validation middleware", () => {
  it("lets valid messages through to their handlers", async () => {
    const { messenger, handled } = build();
    await messenger.bus.dispatch(new CreateLead("a@example.com", 3));
    await messenger.bus.dispatch(new RenameCompany("12345678"));
    expect(handled).toHaveLength(2);
  });

  it("rejects an invalid message (zod), listing every issue with its path, before any handler", async () => {
    const { messenger, handled } = build();
    const error = await messenger.bus.dispatch(new CreateLead("not-an-email", -1)).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues.map((i: { path: string }) => i.path)).toEqual(["email", "score"]);
    expect(error.message).toMatch(
      /Message "CreateLead" failed validation:\n {2}- email: .+\n {2}- score: .+/,
    );
    expect(handled).toHaveLength(0);
  });

  it("works with valibot too", async () => {
    const { messenger } = build();
    const error = await messenger.bus.dispatch(new RenameCompany("123")).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error.issues).toEqual([{ path: "ico", message: "ICO must have 8 digits" }]);
  });

  it("rejects an unknown middleware id", () => {
    expect(() =>
      createMessenger({ handlers: [], buses: { b: { middleware: ["validaton" as never] } } }),
    ).toThrowError(/Invalid middleware "validaton" on bus "b"/);
  });
});
