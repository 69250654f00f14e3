import { fileURLToPath } from "node:url";
import { describeProcessConformance, type ProcessConformanceQueues } from "@messenger-ts/core/testing";
import type { ChannelModel } from "amqplib";
import { afterAll, beforeAll, describe } from "vitest";
import { AMQP, AMQP_URL, adminConnection, amqpUp, deleteAll } from "./support/amqp.js";
import { AmqpProxy } from "./support/amqp-proxy.js";
import { canStartRabbitMq, PrivateRabbitMq } from "./support/private-rabbitmq.js";

if (!canStartRabbitMq) {
  console.warn(
    "\n!!! rabbitmq-server is not installed (or not root): SKIPPING the RabbitMQ restart tests. !!!\n",
  );
}

const proxy = new AmqpProxy(AMQP);
const admins: ChannelModel[] = [];
const node = canStartRabbitMq ? new PrivateRabbitMq() : undefined;
// The private node takes seconds to boot: it starts with the file, while the first tests run.
const booted = node && amqpUp ? node.boot() : undefined;
booted?.catch(() => undefined);

beforeAll(async () => {
  if (amqpUp) await proxy.listen();
});

afterAll(async () => {
  for (const admin of admins) await admin.close().catch(() => undefined);
  await proxy.close().catch(() => undefined);
  node?.destroy();
});

/**
 * The queues of one test: exchanges `<base>.jobs` and `<base>.failed`, each with its queue of the
 * same name, quorum queues (which count deliveries, for the delivery limit tests), on the broker
 * `admin` reaches. `host:port` is where the workers connect: the proxy, or a private node.
 */
function queuesOn(admin: () => Promise<ChannelModel>, port: number, test: string): ProcessConformanceQueues {
  const base = `mt-test.process-${test}.${process.pid}`;
  const names = ["jobs", "failed"].map((queue) => `${base}.${queue}`);
  return {
    dsn: (queue, options = {}) => {
      const name = `${base}.${queue}`;
      return (
        `amqp://guest:guest@127.0.0.1:${port}/%2f/${name}?queues[${name}][arguments][x-queue-type]=quorum` +
        (options.deliveryLimit ? `&delivery_limit=${options.deliveryLimit}` : "")
      );
    },
    async injectRaw(queue, body, headers) {
      const channel = await (await admin()).createConfirmChannel();
      const { "Content-Type": contentType, ...rest } = headers;
      channel.sendToQueue(`${base}.${queue}`, Buffer.from(body), {
        headers: rest,
        contentType,
        persistent: true,
        messageId: `raw-${Math.random().toString(36).slice(2)}`,
      });
      await channel.waitForConfirms();
      await channel.close();
    },
    // The ready messages, taken with basic.get on a channel that is then closed (they go back).
    // A message a live consumer holds unacknowledged is not readable by anyone else in AMQP: the
    // suite's "every message acked" checks see it once its worker is gone.
    async storedBodies(queue) {
      const channel = await (await admin()).createChannel();
      channel.on("error", () => undefined);
      const bodies: string[] = [];
      try {
        for (;;) {
          const message = await channel.get(`${base}.${queue}`, { noAck: false });
          if (message === false) break;
          bodies.push(message.content.toString("utf8"));
        }
      } catch {
        // 404: the queue was never declared, so it holds nothing
      } finally {
        await channel.close().catch(() => undefined);
      }
      return bodies;
    },
    cleanup: async () => deleteAll(await admin(), { queues: names, exchanges: names }),
  };
}

/** An admin connection to `url`, opened again after the broker closed it (a restart). */
function adminOf(url: string): () => Promise<ChannelModel> {
  let current: Promise<ChannelModel> | undefined;
  return () => {
    current ??= adminConnection(url).then((model) => {
      admins.push(model);
      model.on("close", () => {
        current = undefined;
      });
      return model;
    });
    current.catch(() => {
      current = undefined;
    });
    return current;
  };
}

const sharedAdmin = adminOf(AMQP_URL);
let privateAdmin: (() => Promise<ChannelModel>) | undefined;

describe.skipIf(!amqpUp)("AMQP", () => {
  describeProcessConformance(
    "amqp",
    {
      factory: {
        module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
        exportName: "AmqpTransportFactory",
      },
      queues: async (test) => queuesOn(sharedAdmin, proxy.port, test),
      // The proxy cuts the worker's TCP connections, as a network fault would.
      killConnections: async (_queues, pid) => proxy.kill(pid),
      restartable: node
        ? {
            keepsData: true,
            async queues(test) {
              await booted;
              privateAdmin ??= adminOf(`amqp://guest:guest@127.0.0.1:${node.port}`);
              return queuesOn(privateAdmin, node.port, test);
            },
            stop: () => node.stop(),
            start: () => node.start(),
            unreachable: /AMQP broker/,
          }
        : undefined,
    },
    // Fewer messages than the defaults: the broker is shared with the rest of CI, and these
    // counts already show every fault several times over.
    { redeliversOnDisconnect: true, messages: 2_000, messagesUnderKills: 4_000, messagesUnderRestart: 1_000 },
  );
});
