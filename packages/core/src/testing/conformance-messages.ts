import { AsMessage } from "../message/as-message.js";

/**
 * The messages the conformance suite sends. Declared once at module level: `@AsMessage` names are
 * global, so a class declared per suite run would claim the same name twice.
 */
@AsMessage("conformance.message")
export class ConformanceMessage {
  constructor(
    readonly text: string,
    readonly n: number,
  ) {}
}

@AsMessage("conformance.other_message")
export class OtherConformanceMessage {
  constructor(readonly items: readonly string[]) {}
}

/** The job the process-level suite sends and its worker processes handle. */
@AsMessage("process_conformance.job")
export class ProcessConformanceJob {
  constructor(readonly n: number) {}
}
