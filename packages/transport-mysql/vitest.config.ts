import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The process-level file runs for minutes and mostly waits on its worker processes and servers;
// the other files (a database each) run beside it instead of after it, even on two cores.
export default mergeConfig(shared, defineConfig({ test: { maxWorkers: 3 } }));
