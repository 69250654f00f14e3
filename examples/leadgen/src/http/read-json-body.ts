import type { IncomingMessage } from "node:http";
import { assertDispatchableJson } from "./assert-dispatchable-json.js";
import { HttpError } from "./http-error.js";

/** Largest request body read (an SES notification is a few kilobytes). */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a request body and parses it as JSON. The content type is not checked: SNS posts its
 * notifications as `text/plain`. Too large → 413; not JSON, or JSON that cannot be dispatched → 400.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, "BODY_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "")
    throw new HttpError(400, "EMPTY_BODY", "The request body is empty: send a JSON object.");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      "INVALID_JSON",
      `The request body is not valid JSON (${(error as Error).message}).`,
    );
  }
  assertDispatchableJson(json);
  return json;
}
