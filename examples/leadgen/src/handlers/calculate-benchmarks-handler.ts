import { AsMessageHandler } from "@messenger-ts/core";
import { CalculateBenchmarksMessage } from "../messages/calculate-benchmarks-message.js";
import { BenchmarkCalculator } from "../services/benchmark-calculator.js";

/** Calculates industry benchmarks. */
@AsMessageHandler({ handles: CalculateBenchmarksMessage })
export class CalculateBenchmarksHandler {
  constructor(private readonly calculator: BenchmarkCalculator) {}

  handle(message: CalculateBenchmarksMessage) {
    return this.calculator.calculate(message.period, message.industry);
  }
}
