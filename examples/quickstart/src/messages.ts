import { AsMessage, Query } from "@messenger-ts/core";

/** A command handled on the spot. */
@AsMessage("quickstart.register_lead")
export class RegisterLead {
  constructor(
    readonly email: string,
    readonly company: string,
  ) {}
}

/** A query: its one handler's result comes back to the caller, typed. */
@AsMessage("quickstart.get_lead_count")
export class GetLeadCount extends Query<number> {}

/** Slow work, routed to a transport and handled by a consumer later. */
@AsMessage("quickstart.analyze_lead", { transport: "async" })
export class AnalyzeLead {
  constructor(readonly email: string) {}
}
