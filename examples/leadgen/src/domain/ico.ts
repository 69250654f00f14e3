import { PermanentFailureError } from "./permanent-failure-error.js";

/** The IČO (company id) the simulated ARES register is always down for: see the README's failure inputs. */
export const ARES_OUTAGE_ICO = "00000000";

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2] as const;

/** The eighth digit of an IČO: a weighted sum of the first seven, modulo 11. */
export function icoCheckDigit(firstSeven: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(firstSeven[i]) * WEIGHTS[i]!;
  const rest = sum % 11;
  return rest === 0 ? 1 : rest === 1 ? 0 : 11 - rest;
}

/** Eight digits with a correct check digit. */
export function isValidIco(ico: string): boolean {
  return /^\d{8}$/.test(ico) && Number(ico[7]) === icoCheckDigit(ico.slice(0, 7));
}

/** A valid IČO whose first seven digits come from `seed`. */
export function icoFromNumber(seed: number): string {
  const firstSeven = String(Math.abs(Math.trunc(seed)) % 10_000_000).padStart(7, "0");
  return `${firstSeven}${icoCheckDigit(firstSeven)}`;
}

/**
 * Checks an IČO before anything is asked of the register. The outage IČO passes: it is well
 * formed, the register is what fails for it.
 */
export function assertIco(ico: unknown): string {
  if (ico === ARES_OUTAGE_ICO) return ico;
  if (typeof ico !== "string" || !isValidIco(ico)) {
    throw new PermanentFailureError(
      "INVALID_ICO",
      `Invalid IČO ${JSON.stringify(ico)}: expected 8 digits whose last one is the check digit of the first seven (e.g. 25610341).`,
    );
  }
  return ico;
}
