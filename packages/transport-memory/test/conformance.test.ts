import { JsonSerializer } from "@messenger-ts/core";
import { describeTransportConformance, FakeClock } from "@messenger-ts/core/testing";
import { InMemoryTransport } from "../src/index.js";

describeTransportConformance("in-memory", async () => {
  const clock = new FakeClock();
  return { transport: new InMemoryTransport({ clock }), clock };
});

// Through core's real serializer, so the suite also checks that its messages and stamps survive the wire.
describeTransportConformance("in-memory, serialize: true", async () => {
  const clock = new FakeClock();
  const transport = new InMemoryTransport({ serialize: true, serializer: new JsonSerializer(), clock });
  return {
    transport,
    clock,
    injectRaw: async (body, headers) => {
      transport.injectEncoded({ body, headers });
    },
  };
});

// No fake clock: the delay test falls back to a short real wait against the system clock.
describeTransportConformance(
  "in-memory, system clock",
  async () => ({ transport: new InMemoryTransport() }),
  {
    realDelay: 100,
  },
);
