import { MessengerModule } from "@messenger-ts/nestjs";
import { ScheduleRegistry, ScheduleTransportFactory, schedulerHandlers } from "@messenger-ts/scheduler";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import { Module } from "@nestjs/common";
import { ConfigModule, ConfigService } from "@nestjs/config";
import { queueDsn, type Settings, settings } from "./config.js";
import { DatabaseModule } from "./database/database.module.js";
import { PlaceOrder } from "./orders/messages.js";
import { OrdersModule } from "./orders/orders.module.js";

/** The @AsPeriodicTask tasks of the providers, consumed as `scheduler_default`. */
const schedules = new ScheduleRegistry();

/**
 * The one module the HTTP server (main.ts) and the console (console.ts) both start: the same
 * messenger configuration for both, from ConfigService.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [settings] }),
    DatabaseModule,
    MessengerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Settings, true>) => {
        const database = config.get("database", { infer: true });
        return {
          defaultBus: "command.bus",
          buses: { "command.bus": {}, "query.bus": {} },
          transports: {
            async: { dsn: queueDsn(database, "orders"), retryStrategy: { maxRetries: 3 } },
            failed: queueDsn(database, "failed"),
            ...schedules.transports(),
          },
          failureTransport: "failed",
          routing: [[PlaceOrder, "async"]],
          transportFactories: [new PostgresTransportFactory(), new ScheduleTransportFactory(schedules)],
          handlers: [...schedulerHandlers],
          schedules,
        };
      },
    }),
    OrdersModule,
  ],
})
export class AppModule {}
