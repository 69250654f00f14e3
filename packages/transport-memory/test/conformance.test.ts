import { JsonSerializer, systemClock } from "@messenger-ts/core";
import { describeTransportConformance, FakeClock } from "@messenger-ts/core/testing";
import { InMemoryTransport } from "../src/index.js";

// Every setup gives redeliveryTimeout + redeliverAfter, so the redelivery and keepalive-extends
// tests run everywhere. The one test still skipped, twice: "hands out a message that cannot be
// decoded" in the two plain-mode suites, which have no injectRaw because nothing is ever decoded
// there (no serializer, and injectEncoded() refuses without serialize: true). The serialize suite
// runs it.

// The default redelivery timeout (30 s), which the fake clock skips through.
describeTransportConformance(
  "in-memory",
  async ({ deliveryLimit }) => {
    const clock = new FakeClock();
    const transport = new InMemoryTransport({ clock, deliveryLimit });
    return {
      transport,
      clock,
      redeliveryTimeout: transport.redeliveryTimeout,
      deliveryLimit: transport.deliveryLimit,
      redeliverAfter: (ms) => clock.advance(ms),
    };
  },
  { deduplication: true, priority: true },
);

// Through core's real serializer, so the suite also checks that its messages and stamps survive the
// wire, a redelivered message included; with a timeout of its own, as the DSN option would set it.
describeTransportConformance(
  "in-memory, serialize: true",
  async ({ deliveryLimit }) => {
    const clock = new FakeClock();
    const transport = new InMemoryTransport({
      serialize: true,
      serializer: new JsonSerializer(),
      clock,
      redeliveryTimeout: 45_000,
      deliveryLimit,
    });
    return {
      transport,
      clock,
      redeliveryTimeout: transport.redeliveryTimeout,
      deliveryLimit: transport.deliveryLimit,
      redeliverAfter: (ms) => clock.advance(ms),
      injectRaw: async (body, headers) => {
        transport.injectEncoded({ body, headers });
      },
    };
  },
  { deduplication: true, priority: true },
);

// No fake clock: the delay test falls back to a short real wait against the system clock, and the
// redelivery tests really wait (about 1.5 s in all). 500 ms leaves every other test, the 100 ms delay
// test included, hundreds of milliseconds before an unacked claim could expire under it.
describeTransportConformance(
  "in-memory, system clock",
  async ({ deliveryLimit }) => {
    const transport = new InMemoryTransport({ redeliveryTimeout: 500, deliveryLimit });
    return {
      transport,
      redeliveryTimeout: transport.redeliveryTimeout,
      deliveryLimit: transport.deliveryLimit,
      redeliverAfter: (ms) => systemClock.sleep(ms),
    };
  },
  {
    realDelay: 100,
  },
);
