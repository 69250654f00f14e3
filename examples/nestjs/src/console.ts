// The console: `node dist/console.js messenger:consume async -vv`, `messenger:stats`, `debug:messenger`…
// Every messenger:* and debug:* command, on the messenger of the same AppModule the HTTP server runs.
import "reflect-metadata";
import { runNestConsole } from "@messenger-ts/nestjs/console";
import { AppModule } from "./app.module.js";

process.exitCode = await runNestConsole(AppModule);
