// What Symfony's PhpSerializer (the framework's default transport serializer) writes: PHP's
// serialize() of the whole Envelope, with addslashes(), base64-encoded when not valid UTF-8.
const ENVELOPE = /^O:\d+:\\?"Symfony\\{1,2}Component\\{1,2}Messenger\\{1,2}Envelope\\?":/;

/**
 * The PHP class of the message inside a body written by Symfony's PhpSerializer, or `"unknown"`
 * when it is such a body and the class cannot be read; undefined for any other body.
 */
export function phpSerializedMessageClass(body: string): string | undefined {
  let text = body;
  if (!ENVELOPE.test(text) && !text.endsWith("}") && /^[A-Za-z0-9+/=\s]+$/.test(text)) {
    text = Buffer.from(text, "base64").toString("latin1");
  }
  if (!ENVELOPE.test(text)) return undefined;
  // stripslashes(): addslashes() wrote NUL as \0.
  const unslashed = text.replace(/\\([\s\S])/g, (_, c: string) => (c === "0" ? "\0" : c));
  // `s:7:"message";O:<len>:"<class>"`: the Envelope's private $message property.
  const found = /s:\d+:"\0Symfony\\Component\\Messenger\\Envelope\0message";O:\d+:"([^"]+)"/.exec(unslashed);
  return found?.[1] ?? "unknown";
}
