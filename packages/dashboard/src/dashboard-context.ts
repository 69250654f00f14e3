import type { Messenger } from "@messenger-ts/core";
import type { ScheduleRegistry } from "@messenger-ts/scheduler";
import type { LayoutOptions } from "./html/layout.js";
import type { CsrfToken } from "./security/csrf-token.js";

/** What every page and action of one request knows. */
export interface DashboardContext {
  readonly messenger: Messenger;
  readonly basePath: string;
  readonly readOnly: boolean;
  readonly csrf: CsrfToken;
  readonly scheduler: ScheduleRegistry | undefined;
  /** The request's URL (its query holds the filters and the flash after an action). */
  readonly url: URL;
  readonly flash: LayoutOptions["flash"];
}

/** A link inside the dashboard: the base path, the path segments encoded, and the query. */
export function link(
  context: Pick<DashboardContext, "basePath">,
  segments: readonly string[],
  query: Record<string, string | number | undefined> = {},
): string {
  const path = segments.map((segment) => `/${encodeURIComponent(segment)}`).join("");
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return `${context.basePath}${path || "/"}${text ? `?${text}` : ""}`;
}
