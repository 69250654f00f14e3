import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The process-level suite mostly waits on worker processes and the broker: the other files run
// beside it (each file has exchanges and queues of its own) instead of after it.
export default mergeConfig(shared, defineConfig({ test: { maxWorkers: 3 } }));
