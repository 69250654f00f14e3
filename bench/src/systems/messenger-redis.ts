import { deleteRedisKeys, isolated, probeRedis, REDIS_URL } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

const PREFIX = isolated("bench:messenger-redis");

/**
 * messenger-ts on @messenger-ts/transport-redis (Redis Streams): the DSN's path names the stream
 * (as in Symfony), and the transport's `prefix` option puts every key it makes under
 * `bench:messenger-redis:`.
 */
export const messengerRedis = messengerSystem({
  name: "messenger-redis",
  backend: "redis",
  packageName: "@messenger-ts/transport-redis",
  factoryExport: "RedisTransportFactory",
  dsn: (queue) => `redis://${new URL(REDIS_URL).host}/${queue}?prefix=${PREFIX}:`,
  probeBackend: probeRedis,
  clean: () => deleteRedisKeys(`${PREFIX}:`),
});
