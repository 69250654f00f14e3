import { describe, expect, it } from "vitest";
import { dsnScheme } from "../../../src/transport/kit/index.js";

describe("dsnScheme", () => {
  it("is the lowercased scheme, or undefined", () => {
    expect(dsnScheme("POSTGRES://u@h/db")).toBe("postgres");
    expect(dsnScheme("in-memory://")).toBe("in-memory");
    expect(dsnScheme("svn+ssh.x-y://h")).toBe("svn+ssh.x-y");
    expect(dsnScheme("sqlite:///var/app.sqlite")).toBe("sqlite");
    expect(dsnScheme("localhost:5432")).toBeUndefined();
    expect(dsnScheme("1x://h")).toBeUndefined();
    expect(dsnScheme("redis:/h")).toBeUndefined();
    expect(dsnScheme(undefined)).toBeUndefined();
    expect(dsnScheme(42)).toBeUndefined();
  });
});
