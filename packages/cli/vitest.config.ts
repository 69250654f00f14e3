import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// Most tests here run the console as child processes, several per test: vitest's default 5 s per
// test is too little on a loaded machine (a limit, not a timing assertion). The files mostly wait
// on those processes, so three run at once even on two cores (each file has its own schemas and
// directories): the suite takes about half as long as one file at a time.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 30_000, maxWorkers: 3 } }));
