export { type NestConsoleOptions, runNestConsole } from "./run-nest-console.js";
