import "reflect-metadata";
import {
  ConsumedByWorkerStamp,
  createMessenger,
  HandledStamp,
  ReceivedStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { container } from "tsyringe";
import { LeadHandlers, LeadStore } from "./handlers.js";
import { GetLeadCount, RegisterLead } from "./messages.js";

const messenger = createMessenger({
  transports: { async: "in-memory://?serialize=true" },
  transportFactories: [new InMemoryTransportFactory()],
  handlers: [LeadHandlers],
});

console.log("1. Dispatch two commands; each handler sends an AnalyzeLead to the 'async' transport:");
await messenger.bus.dispatch(new RegisterLead("jana@firma.cz", "Firma s.r.o."));
await messenger.bus.dispatch(new RegisterLead("bob@example.com", "Example Inc."));

console.log("2. Ask a query; its handler's result comes back typed:");
const count: number = await messenger.bus.query(new GetLeadCount());
console.log(`  GetLeadCount -> ${count}`);

const transport = messenger.getTransport("async");
console.log("3. Consume the 'async' transport (what `messenger:consume async` does):");
for (let batch = await transport.get(); batch.length > 0; batch = await transport.get()) {
  for (const envelope of batch) {
    const id = envelope.last(TransportMessageIdStamp)?.id;
    const handled = await messenger.routableBus.dispatch(
      envelope.with(new ReceivedStamp("async"), new ConsumedByWorkerStamp()),
    );
    await transport.ack(handled);
    console.log(`  message #${id} acked, handler returned ${String(handled.last(HandledStamp)?.result)}`);
  }
}

const store = container.resolve(LeadStore);
console.log("4. Result:");
for (const [email, lead] of store.leads) console.log(`  ${email} (${lead.company}) score=${lead.score}`);
await messenger.close();
