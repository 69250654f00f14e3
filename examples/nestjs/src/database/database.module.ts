import { Global, Inject, Module, type OnApplicationShutdown } from "@nestjs/common";
import { ConfigService } from "@nestjs/config";
import pg from "pg";
import type { Settings } from "../config.js";

/** The application's own connection pool (the domain data; the queue has the transport's). */
export const DATABASE = Symbol("the database pool");

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Settings, true>) =>
        new pg.Pool({ connectionString: config.get("database.url", { infer: true }), max: 4 }),
    },
  ],
  exports: [DATABASE],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly pool: pg.Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
