// Entry of bin/console. reflect-metadata first: tsyringe reads the handlers' constructor types through it.
import "reflect-metadata";
import { createLeadgenConsole } from "./leadgen-console.js";

process.exitCode = await createLeadgenConsole().run(process.argv.slice(2));
