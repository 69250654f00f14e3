// Entry of bin/console. reflect-metadata first: tsyringe reads the handlers' constructor types through it.
import "reflect-metadata";
import { startLeadgenTracing } from "../telemetry/tracing.js";
import { createLeadgenConsole } from "./leadgen-console.js";

// Before the application: the SDK must be the global provider when the first span starts.
const tracing = startLeadgenTracing();
try {
  process.exitCode = await createLeadgenConsole().run(process.argv.slice(2));
} finally {
  // Sends the spans still buffered (the last messages of a worker) before the process ends.
  await tracing?.shutdown();
}
