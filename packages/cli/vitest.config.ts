import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// Most tests here run the console as child processes, several per test: vitest's default 5 s per
// test is too little on a loaded machine (a limit, not a timing assertion).
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 30_000 } }));
