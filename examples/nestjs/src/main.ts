// The HTTP server: `node dist/main.js` (PORT, HOST, DATABASE_URL, ORDERS_SCHEMA).
import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import { AppModule } from "./app.module.js";
import { settings } from "./config.js";

const app = await NestFactory.create(AppModule, { logger: ["error", "warn", "log"] });
// SIGTERM / SIGINT close the application: the HTTP server, the pool, and (MessengerModule) the transports.
app.enableShutdownHooks();
const { port, host } = settings().http;
await app.listen(port, host);
process.stderr.write(`Listening on ${await app.getUrl()}\n`);
