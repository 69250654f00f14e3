/**
 * The application's settings, as ConfigModule loads them: from the environment, with defaults for
 * a local PostgreSQL. `ConfigService` hands them to the messenger and to the database module.
 */
export function settings() {
  return {
    database: {
      url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      // The example's tables and queue live in a schema of their own.
      schema: process.env.ORDERS_SCHEMA ?? "nest_example",
    },
    http: { port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "127.0.0.1" },
  };
}

export type Settings = ReturnType<typeof settings>;

/** A transport DSN: the database URL with the schema, the table and the queue's name in it. */
export function queueDsn(database: Settings["database"], queue: string): string {
  const dsn = new URL(database.url);
  dsn.searchParams.set("schema", database.schema);
  dsn.searchParams.set("table_name", "messenger_messages");
  dsn.searchParams.set("queue_name", queue);
  return dsn.toString();
}
