/**
 * The id of a stored message. A message of priority 0 (no PriorityStamp) lives in the stream itself
 * and keeps the ids it always had: the entry id `<ms>-<seq>`, or `d-<16 hex digits>` while it waits
 * delayed. A message of priority p (1 to 255) lives in the stream `<stream>:priority:<p>`, whose
 * entry ids overlap those of the other levels, so its id carries the level: `p<p>:<ms>-<seq>` or
 * `p<p>:d-<16 hex digits>`. The Lua scripts read the level from the id to find the stream.
 */
const MESSAGE_ID = /^(?:p([1-9]\d{0,2}):)?(?:(\d{1,20}-\d{1,20})|(d-[0-9a-f]{16}))$/;

/** Where an id says its message is, or undefined when it is no id of this transport. */
export function locationOfId(id: string): "stream" | "delayed" | undefined {
  const found = MESSAGE_ID.exec(id);
  if (found === null || Number(found[1] ?? 0) > 255) return undefined;
  return found[2] !== undefined ? "stream" : "delayed";
}

/** The prefix the ids of a priority level carry: none for level 0. */
export function levelPrefix(priority: number): string {
  return priority === 0 ? "" : `p${priority}:`;
}

/** Whether an id carries a priority level's prefix (`p<level>:`): any level but 0. */
export function hasLevelPrefix(id: string): boolean {
  return id.charCodeAt(0) === 0x70; // "p"
}

/** The priority level an id names and the id within that level's stream (or delayed set). */
export function splitId(id: string): { readonly level: number; readonly id: string } {
  if (!hasLevelPrefix(id)) return { level: 0, id };
  const colon = id.indexOf(":");
  return { level: Number(id.slice(1, colon)), id: id.slice(colon + 1) };
}
