import type { IncomingMessage } from "node:http";
import type { Messenger } from "@messenger-ts/core";
import type { ScheduleRegistry } from "@messenger-ts/scheduler";
import type { MessageHistoryStore } from "./history/message-history-store.js";

/** Who may open the dashboard; every check given must pass. At least one is required. */
export interface DashboardOptions {
  readonly messenger: Messenger;
  /** Where the handler is mounted, without a trailing slash (`"/dashboard"`); default `""`. */
  readonly basePath?: string | undefined;
  /** The application's own check (a session, a header set by a proxy); false answers 401. */
  readonly authorize?: ((request: IncomingMessage) => boolean | Promise<boolean>) | undefined;
  /**
   * A shared secret: `Authorization: Bearer <token>`, or `?token=<token>` once, after which a
   * cookie (HttpOnly, SameSite=Strict, holding a digest of the token, not the token) stands in.
   */
  readonly token?: string | undefined;
  /** Only requests from a loopback address (127.0.0.0/8, ::1) are served; others get 403. */
  readonly localOnly?: boolean | undefined;
  /** Shows everything, offers no retry or remove, and refuses their POSTs with 403. */
  readonly readOnly?: boolean | undefined;
  /** The schedules `debug:scheduler` lists, for the schedules page. */
  readonly scheduler?: ScheduleRegistry | undefined;
  /** Where `MessageHistoryRecorder` writes in the workers, for the history page; without it the page says it is off. */
  readonly history?: MessageHistoryStore | undefined;
}
