#!/usr/bin/env node
import { runStandalone } from "../dist/standalone/run-standalone.js";

process.exitCode = await runStandalone(process.argv.slice(2));
