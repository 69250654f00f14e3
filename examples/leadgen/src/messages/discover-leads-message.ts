import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Searches one discovery source for new leads; each new one is then analysed. Queue: low_priority. */
@AsMessage("leadgen.discover_leads")
@AsSymfonyMessage("App\\Message\\DiscoverLeadsMessage")
export class DiscoverLeadsMessage {
  constructor(
    /** One of DISCOVERY_SOURCES. */
    readonly source: string,
    readonly query: string,
    /** Results to look at, 1 to 100. */
    readonly limit: number = 10,
  ) {}
}
