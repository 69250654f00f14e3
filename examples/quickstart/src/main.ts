import "reflect-metadata";
import {
  createMessenger,
  createWorker,
  HandledStamp,
  TransportMessageIdStamp,
  WorkerMessageHandledEvent,
  WorkerRunningEvent,
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

console.log("3. Consume the 'async' transport with a worker (what `messenger:consume async` does):");
const worker = createWorker(messenger, { receivers: ["async"], sleep: 10 });
messenger.events.on(WorkerMessageHandledEvent, (event) => {
  const id = event.envelope.last(TransportMessageIdStamp)?.id;
  console.log(
    `  message #${id} acked, handler returned ${String(event.envelope.last(HandledStamp)?.result)}`,
  );
});
// Stop once the transport is empty (a long-running worker would keep waiting for messages).
messenger.events.on(WorkerRunningEvent, (event) => {
  if (event.isWorkerIdle) event.worker.stop();
});
await worker.run();

const store = container.resolve(LeadStore);
console.log("4. Result:");
for (const [email, lead] of store.leads) console.log(`  ${email} (${lead.company}) score=${lead.score}`);
await messenger.close();
