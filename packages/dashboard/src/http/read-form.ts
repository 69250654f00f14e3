import type { IncomingMessage } from "node:http";

/** A form bigger than this is refused: the dashboard's forms hold a token and some ids. */
const MAX_FORM_BYTES = 1024 * 1024;

/** The `application/x-www-form-urlencoded` body of a POST; undefined when it is too large. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
