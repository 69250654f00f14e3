import { createHash } from "node:crypto";
import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { stableHex, stableInt } from "../domain/stable-hash.js";
import { isReservedInvalidHost, parseWebsite } from "../domain/website.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Screenshot } from "../store/records.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

export const SCREENSHOT_WIDTH = 1440;
export const SCREENSHOT_HEIGHT = 900;

/**
 * The seed's headless-browser client. The simulated browser "renders" a page as an SVG made from
 * the URL (colours and layout derived from it), so the same page gives the same image.
 */
@injectable()
export class ScreenshotClient {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async capture(leadId: number, url: string): Promise<Screenshot> {
    const page = parseWebsite(url, "screenshot URL");
    const lead = await this.store.findLead(leadId);
    if (!lead) throw new PermanentFailureError("LEAD_NOT_FOUND", `Lead ${leadId} does not exist.`);
    if (isReservedInvalidHost(page.host)) {
      throw new PermanentFailureError(
        "WEBSITE_UNREACHABLE",
        `Cannot take a screenshot of ${page.url}: ${page.host} is on the reserved .invalid domain, which never resolves.`,
      );
    }
    await this.outages.check("browser");
    await this.latency.simulate("screenshot");
    const image = ScreenshotClient.render(page.url, page.host);
    return this.store.insertScreenshot(
      {
        leadId,
        url: page.url,
        width: SCREENSHOT_WIDTH,
        height: SCREENSHOT_HEIGHT,
        image,
        sha256: createHash("sha256").update(image).digest("hex"),
      },
      this.clock.now(),
    );
  }

  /** A page-like SVG: header in the site's colour, a hero block and a few text lines. */
  static render(url: string, host: string): string {
    const accent = `#${stableHex(6, url, "accent")}`;
    const hero = stableInt(220, 420, url, "hero");
    const lines = Array.from({ length: stableInt(3, 8, url, "lines") }, (_, i) => {
      const width = stableInt(400, 1200, url, "line", i);
      return `<rect x="120" y="${hero + 140 + i * 48}" width="${width}" height="18" fill="#d0d4da"/>`;
    });
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${SCREENSHOT_WIDTH}" height="${SCREENSHOT_HEIGHT}">`,
      `<rect width="100%" height="100%" fill="#ffffff"/>`,
      `<rect width="100%" height="80" fill="${accent}"/>`,
      `<text x="40" y="50" font-family="sans-serif" font-size="28" fill="#ffffff">${escapeXml(host)}</text>`,
      `<rect x="120" y="120" width="1200" height="${hero}" fill="${accent}" opacity="0.25"/>`,
      ...lines,
      "</svg>",
    ].join("");
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
