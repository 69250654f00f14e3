/** The type oid of `text`, which PostgreSQL's array_recv checks against the parameter's element type. */
const TEXT_OID = 25;
const HEADER_BYTES = 20;

/**
 * A `text[]` parameter in PostgreSQL's binary format (array_send's layout: dimensions, flags,
 * element type, then each element as its length and its UTF-8 bytes). node-postgres sends a
 * Buffer as a binary parameter as it is. Given an array of strings instead, it writes a text
 * literal: it doubles every quote and backslash of every element (JSON bodies are full of them,
 * stamp headers hold JSON inside JSON) into a copy, and the server parses the literal back. With
 * 10 KB bodies that copy and its garbage were most of a bulk send's time; here each string is
 * written once, unescaped, and the server reads each element by its length.
 */
export function binaryTextArray(values: readonly string[]): Buffer {
  if (values.length === 0) {
    // No dimensions: the empty array (array_recv reads no dimension and no element).
    const empty = Buffer.alloc(12);
    empty.writeInt32BE(TEXT_OID, 8);
    return empty;
  }
  let size = HEADER_BYTES;
  const lengths = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const length = Buffer.byteLength(values[i]!, "utf8");
    lengths[i] = length;
    size += 4 + length;
  }
  const buffer = Buffer.allocUnsafe(size);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // flags: no NULL elements
  buffer.writeInt32BE(TEXT_OID, 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  let offset = HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    offset = buffer.writeInt32BE(lengths[i]!, offset);
    offset += buffer.write(values[i]!, offset, lengths[i]!, "utf8");
  }
  return buffer;
}
