import { AsMessageHandler } from "@messenger-ts/core";
import { TakeScreenshotMessage } from "../messages/take-screenshot-message.js";
import { ScreenshotClient } from "../services/screenshot-client.js";

/** Takes a screenshot with the headless-browser client. */
@AsMessageHandler({ handles: TakeScreenshotMessage })
export class TakeScreenshotHandler {
  constructor(private readonly screenshots: ScreenshotClient) {}

  handle(message: TakeScreenshotMessage) {
    return this.screenshots.capture(message.leadId, message.url);
  }
}
