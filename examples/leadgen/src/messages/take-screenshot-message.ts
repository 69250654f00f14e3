import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Renders a page of a lead's website in the headless browser. Queue: low_priority. */
@AsMessage("leadgen.take_screenshot")
@AsSymfonyMessage("App\\Message\\TakeScreenshotMessage")
export class TakeScreenshotMessage {
  constructor(
    readonly leadId: number,
    readonly url: string,
  ) {}
}
