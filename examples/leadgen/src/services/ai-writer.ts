import { injectable } from "tsyringe";
import { stablePick } from "../domain/stable-hash.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

/** What the AI model is asked to write. */
export interface WritingPrompt {
  readonly kind: "proposal" | "cover_letter";
  readonly company: string;
  readonly website: string | null;
  readonly industry: string | null;
  /** The points to build the text on (the analysis's issues, the priced items). */
  readonly points: readonly string[];
}

const OPENINGS = [
  "We took a close look at",
  "Our team reviewed",
  "We spent some time with",
  "We analysed",
] as const;
const CLOSINGS = [
  "We would be glad to walk you through it in a short call.",
  "Let us know when a call suits you.",
  "We can start within two weeks.",
] as const;

/**
 * The AI model behind the proposal and offer generators (the seed's "+ AI"). Simulated: the text
 * is assembled from the prompt with phrasings chosen by a hash of it, so the same prompt gives
 * the same text, and an outage of "ai" fails like an overloaded model.
 */
@injectable()
export class AiWriter {
  constructor(
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async write(prompt: WritingPrompt): Promise<string> {
    await this.outages.check("ai");
    await this.latency.simulate("ai");
    return AiWriter.compose(prompt);
  }

  static compose(prompt: WritingPrompt): string {
    const seed = JSON.stringify(prompt);
    const subject = prompt.website ?? prompt.company;
    const opening = `${stablePick(OPENINGS, seed, "opening")} ${subject}${prompt.industry ? ` (${prompt.industry.replaceAll("_", " ")})` : ""}.`;
    const points =
      prompt.kind === "proposal"
        ? prompt.points.map((point, i) => `${i + 1}. ${point}`).join("\n")
        : `This offer covers: ${prompt.points.join("; ")}.`;
    return [opening, points, stablePick(CLOSINGS, seed, "closing")].join("\n");
  }
}
