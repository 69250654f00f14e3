import { AsMessageHandler } from "@messenger-ts/core";
import { CalculateBenchmarksMessage } from "../messages/calculate-benchmarks-message.js";
import { BenchmarkCalculator } from "../services/benchmark-calculator.js";
import { translateFailures } from "./translate-failures.js";

/** Calculates industry benchmarks. */
@AsMessageHandler({ handles: CalculateBenchmarksMessage })
export class CalculateBenchmarksHandler {
  constructor(private readonly calculator: BenchmarkCalculator) {}

  handle(message: CalculateBenchmarksMessage) {
    return translateFailures(() => this.calculator.calculate(message.period, message.industry));
  }
}
