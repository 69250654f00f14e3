import pg from "pg";
import { describe, expect, it } from "vitest";
import { databaseUrl } from "../src/backends.js";
import { cpuTicksOf, serverCpuReadable, serverCpuSeconds } from "../src/server-cpu.js";

describe("server CPU from /proc", () => {
  it("adds utime, stime, cutime and cstime of a process with one of the names", () => {
    // Fields after the comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = "4242 (postgres) S 1 4242 4242 0 -1 4194560 900 1000 0 0 170 30 1200 300 20 0 1 0 77 0";
    expect(cpuTicksOf(line, new Set(["postgres"]))).toBe(170 + 30 + 1200 + 300);
    expect(cpuTicksOf(line, new Set(["redis-server"]))).toBeUndefined();
  });

  it("reads a name with spaces and parentheses up to the last closing parenthesis", () => {
    const line = "7 (odd (name) x) R 1 7 7 0 -1 0 0 0 0 0 5 6 7 8 20 0 1 0 9 0";
    expect(cpuTicksOf(line, new Set(["odd (name) x"]))).toBe(26);
  });

  it.runIf(serverCpuReadable("postgres"))("grows while the local PostgreSQL server works", async () => {
    const before = await serverCpuSeconds("postgres");
    expect(before).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: databaseUrl("postgres") });
    await client.connect();
    try {
      // About a second of server CPU: far above the 10 ms a clock tick stands for.
      await client.query("select count(*) from generate_series(1, 20000000)");
    } finally {
      await client.end();
    }
    const after = await serverCpuSeconds("postgres");
    expect(after! - before!).toBeGreaterThan(0.05);
  });

  it("has no server for the in-process backends", async () => {
    expect(serverCpuReadable("sqlite")).toBe(false);
    expect(await serverCpuSeconds("memory")).toBeUndefined();
  });
});
