import { describe, expect, it } from "vitest";
import { redactDsn } from "../../../src/transport/kit/index.js";

describe("redactDsn", () => {
  it("hides the password and keeps the rest", () => {
    expect(redactDsn("redis://user:secret@h:6379/stream")).toBe("redis://user:***@h:6379/stream");
    expect(redactDsn("redis://:secret@h:6379")).toBe("redis://:***@h:6379");
    expect(redactDsn("redis://h:6379")).toBe("redis://h:6379");
    expect(redactDsn("postgres://app:s3/cr?et#x@db/app")).toBe("postgres://app:***@db/app");
    expect(redactDsn("postgres://app:p@ss@db:5432/app?sslmode=require")).toBe(
      "postgres://app:***@db:5432/app?sslmode=require",
    );
    expect(redactDsn("not a dsn")).toBe("not a dsn");
    expect(redactDsn("postgres://app@db/app")).toBe("postgres://app@db/app");
  });

  it("masks everything from the first colon of the user info to the last @, whatever the password holds", () => {
    for (const password of ["p/w#d", "p?w", "p@w@x", "a:b:c", "p%40w", "::@@//??##"]) {
      const redacted = redactDsn(`postgres://app:${password}@db:5432/app?queue_name=x`);
      expect(redacted, password).toBe("postgres://app:***@db:5432/app?queue_name=x");
    }
    expect(redactDsn("redis://u:p/w#d@h:1/s?x=1")).toBe("redis://u:***@h:1/s?x=1");
    expect(redactDsn("redis://u:p?w@h")).toBe("redis://u:***@h");
  });

  it("masks Redis's password-only user part, on redis:// and rediss://", () => {
    expect(redactDsn("redis://secret@cache:6379")).toBe("redis://***@cache:6379");
    expect(redactDsn("redis://onlypassword@h")).toBe("redis://***@h");
    expect(redactDsn("REDISS://se/cr@et@h:6380/s")).toBe("REDISS://***@h:6380/s");
    // An @ in the query only is no password.
    expect(redactDsn("redis://h/s?x=a@b")).toBe("redis://h/s?x=a@b");
  });

  it("masks a password even without a scheme", () => {
    expect(redactDsn("app:secret@db:5432/app")).toBe("app:***@db:5432/app");
    expect(redactDsn("localhost:5432")).toBe("localhost:5432");
  });
});
