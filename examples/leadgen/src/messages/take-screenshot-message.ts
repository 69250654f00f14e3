import { AsMessage } from "@messenger-ts/core";

/** Renders a page of a lead's website in the headless browser. Queue: low_priority. */
@AsMessage("leadgen.take_screenshot")
export class TakeScreenshotMessage {
  constructor(
    readonly leadId: number,
    readonly url: string,
  ) {}
}
