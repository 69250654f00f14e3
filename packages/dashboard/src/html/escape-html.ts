/**
 * The text with the five characters that mean something in HTML (in content and in quoted
 * attribute values) replaced by entities: every value a page shows goes through this, so a
 * message body holding `<script>` shows as text and never runs.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
