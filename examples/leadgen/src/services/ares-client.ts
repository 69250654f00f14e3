import { injectable } from "tsyringe";
import { ARES_OUTAGE_ICO, assertIco } from "../domain/ico.js";
import { stableInt, stablePick } from "../domain/stable-hash.js";
import { TransientFailureError } from "../domain/transient-failure-error.js";
import type { CompanyRegisterData } from "../store/domain-store.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

const NAMES = [
  "Novák",
  "Svoboda",
  "Dvořák",
  "Černý",
  "Procházka",
  "Kučera",
  "Veselý",
  "Horák",
  "Němec",
  "Marek",
];
const TRADES = ["stavby", "servis", "obchod", "technika", "design", "gastro", "doprava", "reality"];
const LEGAL_FORMS = ["s.r.o.", "a.s.", "v.o.s.", "OSVČ"] as const;
const STREETS = ["Vinohradská", "Masarykova", "Husova", "Palackého", "Nádražní", "Školní"];
const CITIES = ["Praha", "Brno", "Ostrava", "Plzeň", "Olomouc", "Liberec"];

/**
 * The seed's client of ARES, the Czech business register. Simulated: every IČO with a valid check
 * digit exists, with data derived from it; `00000000` is the IČO ARES is always down for.
 */
@injectable()
export class AresClient {
  constructor(
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async fetchCompany(ico: string): Promise<CompanyRegisterData> {
    assertIco(ico);
    if (ico === ARES_OUTAGE_ICO) {
      throw new TransientFailureError(
        "ARES_UNAVAILABLE",
        `ARES answered 503 Service Unavailable for IČO ${ico} (the simulated register is always down for it).`,
      );
    }
    await this.outages.check("ares");
    await this.latency.simulate("ares");
    return AresClient.recordOf(ico);
  }

  /** The register's record of a valid IČO. */
  static recordOf(ico: string): CompanyRegisterData {
    const legalForm = stablePick(LEGAL_FORMS, ico, "form");
    const name = `${stablePick(NAMES, ico, "name")} ${stablePick(TRADES, ico, "trade")}`;
    return {
      ico,
      name: legalForm === "OSVČ" ? name : `${name} ${legalForm}`,
      legalForm,
      address: `${stablePick(STREETS, ico, "street")} ${stableInt(1, 240, ico, "number")}, ${stablePick(CITIES, ico, "city")}`,
      // Companies with a turnover over the threshold are VAT payers: CZ + IČO.
      vatId: stableInt(0, 3, ico, "vat") === 0 ? null : `CZ${ico}`,
      employees: stableInt(1, 250, ico, "employees"),
    };
  }
}
