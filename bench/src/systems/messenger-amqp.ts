import { AMQP_URL, deleteAmqp, isolated, probeAmqp } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

const PREFIX = isolated("bench.messenger-amqp");

/**
 * messenger-ts on @messenger-ts/transport-amqp (RabbitMQ): an exchange per queue with a classic
 * queue of the same name (Symfony's default layout), vhost "/", publisher confirms, prefetch = the
 * worker's concurrency (the default).
 */
export const messengerAmqp = messengerSystem({
  name: "messenger-amqp",
  backend: "amqp",
  packageName: "@messenger-ts/transport-amqp",
  factoryExport: "AmqpTransportFactory",
  dsn: (queue) => `${AMQP_URL}/%2f/${PREFIX}.${queue}`,
  probeBackend: probeAmqp,
  clean: () => deleteAmqp([`${PREFIX}.bench`, `${PREFIX}.failed`]),
});
