import { AsMessageHandler, MessageBus } from "@messenger-ts/core";
import { injectable, singleton } from "tsyringe";
import { AnalyzeLead, GetLeadCount, RegisterLead } from "./messages.js";

/** An application service the handlers get from the container. */
@singleton()
export class LeadStore {
  readonly leads = new Map<string, { company: string; score?: number }>();
}

@injectable()
export class LeadHandlers {
  constructor(
    private readonly store: LeadStore,
    private readonly bus: MessageBus,
  ) {}

  @AsMessageHandler()
  async register(message: RegisterLead): Promise<void> {
    this.store.leads.set(message.email, { company: message.company });
    console.log(`  handled RegisterLead(${message.email}) -> stored, dispatching AnalyzeLead`);
    await this.bus.dispatch(new AnalyzeLead(message.email));
  }

  @AsMessageHandler()
  count(_query: GetLeadCount): number {
    return this.store.leads.size;
  }

  @AsMessageHandler()
  analyze(message: AnalyzeLead): number {
    const lead = this.store.leads.get(message.email);
    const score = message.email.endsWith(".cz") ? 80 : 50;
    if (lead) lead.score = score;
    console.log(`  handled AnalyzeLead(${message.email}) -> score ${score}`);
    return score;
  }
}
