import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { dsnScheme } from "./kit/dsn-scheme.js";
import { redactDsn } from "./kit/redact-dsn.js";
import type { Transport } from "./transport.js";
import type { TransportFactory, TransportFactoryContext } from "./transport-factory.js";

/** Which package provides which scheme, so an unknown scheme tells the user what to install. */
const KNOWN_SCHEMES: Readonly<Record<string, string>> = {
  "in-memory": "@messenger-ts/transport-memory",
  postgres: "@messenger-ts/transport-postgres",
  postgresql: "@messenger-ts/transport-postgres",
  doctrine: "@messenger-ts/transport-postgres (or @messenger-ts/transport-sqlite for an SQLite DATABASE_URL)",
  sqlite: "@messenger-ts/transport-sqlite",
  redis: "@messenger-ts/transport-redis",
  rediss: "@messenger-ts/transport-redis",
  amqp: "@messenger-ts/transport-amqp",
  amqps: "@messenger-ts/transport-amqp",
  schedule: "@messenger-ts/scheduler",
};

/** Finds the factory for a DSN among the registered ones. */
export class TransportFactoryRegistry {
  readonly #factories: TransportFactory[] = [];

  constructor(factories: Iterable<TransportFactory> = []) {
    for (const factory of factories) this.register(factory);
  }

  register(factory: TransportFactory): this {
    this.#factories.push(factory);
    return this;
  }

  get factories(): readonly TransportFactory[] {
    return this.#factories;
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): Transport {
    for (const factory of this.#factories) {
      if (factory.supports(dsn, options, context)) return factory.createTransport(dsn, options, context);
    }
    const scheme = dsnScheme(dsn);
    const known = this.#factories.flatMap((f) => f.schemes).map((s) => `${s}://`);
    const hint = scheme && KNOWN_SCHEMES[scheme] ? ` Install and register ${KNOWN_SCHEMES[scheme]}.` : "";
    throw new InvalidArgumentError(
      `No transport supports the DSN "${redactDsn(dsn)}" of transport "${context.name}".${hint} Registered schemes: ${known.join(", ") || "none"}.`,
      { code: "UNSUPPORTED_DSN" },
    );
  }
}
