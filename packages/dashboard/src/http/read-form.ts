import type { IncomingMessage } from "node:http";

/** A form bigger than this is refused: the dashboard's forms hold a token and some ids. */
const MAX_FORM_BYTES = 1024 * 1024;

/**
 * The `application/x-www-form-urlencoded` body of a POST; undefined when it is too large. When a
 * framework's body parser read it already (Express's `urlencoded()`), its `request.body` is used.
 */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const parsed = (request as { body?: unknown }).body;
  if (request.readableEnded && typeof parsed === "object" && parsed !== null) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(parsed)) {
      for (const each of Array.isArray(value) ? value : [value]) form.append(key, String(each));
    }
    return form;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
