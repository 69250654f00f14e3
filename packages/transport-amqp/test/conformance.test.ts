import { describeTransportConformance } from "@messenger-ts/core/testing";
import { describe } from "vitest";
import type { AmqpTransport } from "../src/index.js";
import { amqpTestFile, amqpUp } from "./support/amqp.js";

const file = amqpTestFile("conformance");

function hooks(transport: AmqpTransport) {
  return {
    transport,
    // No redeliverAfter: AMQP has no redelivery timeout (an unacknowledged message goes back when
    // its consumer's channel closes), so the timeout and delivery limit tests skip here; the
    // process-level suite kills real workers instead.
    injectRaw: async (body: string, headers: Readonly<Record<string, string>>) => {
      const channel = await (await file.admin()).createConfirmChannel();
      const { "Content-Type": contentType, ...rest } = headers;
      channel.sendToQueue(transport.queueNames[0]!, Buffer.from(body), {
        headers: rest,
        contentType,
        persistent: true,
        messageId: `raw-${Math.random().toString(36).slice(2)}`,
      });
      await channel.waitForConfirms();
      await channel.close();
    },
  };
}

const ONLY_READY = { listsClaimedAndDelayed: false } as const;

describe.skipIf(!amqpUp)("AMQP transport", () => {
  // Symfony's defaults: a fanout exchange and a classic queue of the same name.
  describeTransportConformance(
    "amqp, classic queue, default settings",
    async () => {
      const transport = file.transport(file.name());
      await transport.setup();
      return hooks(transport);
    },
    ONLY_READY,
  );

  // A quorum queue (x-queue-type), bound with a routing key to a direct exchange, a prefetch count.
  describeTransportConformance(
    "amqp, quorum queue on a direct exchange",
    async () => {
      const name = file.name();
      const transport = file.transport(
        name,
        `exchange[type]=direct&exchange[default_publish_routing_key]=jobs` +
          `&queues[${name}][binding_keys][]=jobs&queues[${name}][arguments][x-queue-type]=quorum&prefetch_count=20`,
      );
      await transport.setup();
      return hooks(transport);
    },
    ONLY_READY,
  );
});
