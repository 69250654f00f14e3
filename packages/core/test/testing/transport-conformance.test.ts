import { JsonSerializer } from "../../src/serialization/json-serializer.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { describeTransportConformance } from "../../src/testing/transport-conformance.js";
import { ExpiringClaimsTransport } from "./support/expiring-claims-transport.js";

// The in-memory transport (in its own package) skips the redelivery tests; this one runs them all.
describeTransportConformance("reference transport with expiring claims", async () => {
  const clock = new FakeClock();
  const transport = new ExpiringClaimsTransport(new JsonSerializer(), clock, 30_000);
  return {
    transport,
    clock,
    redeliveryTimeout: transport.redeliveryTimeout,
    redeliverAfter: (ms) => clock.advance(ms),
    injectRaw: async (body, headers) => transport.inject({ body, headers }),
  };
});
