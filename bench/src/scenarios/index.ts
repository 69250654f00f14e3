import type { Scenario } from "../scenario.js";
import { dispatch } from "./dispatch.js";

/** Every scenario, in the order `npm run bench` runs them. */
export const scenarios: readonly Scenario[] = [dispatch];
