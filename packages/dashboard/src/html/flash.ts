import type { LayoutOptions } from "./layout.js";

/**
 * The message after an action, from the query of the page the action redirected to. Only these
 * fixed sentences can appear (with an id or counts put in, escaped): a crafted link cannot make
 * the dashboard say something else.
 */
export function flashFrom(query: URLSearchParams): LayoutOptions["flash"] {
  const id = query.get("id") ?? "";
  const n = Number(query.get("n") ?? 0);
  const more =
    query.get("more") === "1" ? " More messages match: run the action again for the next ones." : "";
  switch (query.get("done")) {
    case "retried":
      return { kind: "success", text: `Message ${id} was retried and handled.` };
    case "retry-failed":
      return {
        kind: "error",
        text: `Message ${id} failed again; the failure listeners decided where it went (retry or the failure transport).`,
      };
    case "retry-not-handled":
      return {
        kind: "error",
        text: `Message ${id} was received again but a listener took it over; it was neither handled nor failed here.`,
      };
    case "removed":
      return { kind: "success", text: `Message ${id} was removed.` };
    case "not-found":
      return { kind: "error", text: `Message ${id} was not found in the failure transport.` };
    case "undecodable":
      return { kind: "error", text: `Message ${id} could not be decoded; it can only be shown or removed.` };
    case "bulk-retried":
      return {
        kind: Number(query.get("f") ?? 0) > 0 ? "error" : "success",
        text: `${n} message(s) retried: ${Number(query.get("h") ?? 0)} handled, ${Number(query.get("f") ?? 0)} failed again, ${Number(query.get("s") ?? 0)} skipped (not found or undecodable).${more}`,
      };
    case "bulk-removed":
      return { kind: "success", text: `${n} message(s) removed.${more}` };
    case "confirm-missing":
      return { kind: "error", text: "Tick the box to confirm an action on every matching message." };
    case "nothing-selected":
      return { kind: "error", text: "No message was selected." };
    default:
      return undefined;
  }
}
