import {
  describeFailedMessage,
  type FailedMessage,
  listFailedMessages,
  readFailedPages,
  removeFailedMessages,
  retryFailedMessage,
  UsageError,
} from "@messenger-ts/cli";
import { type DashboardContext, link } from "../dashboard-context.js";
import { failedPageQuery } from "../failed/failed-page-query.js";
import { type FailureReceiver, failureReceiver } from "../failed/failure-receiver.js";

/**
 * Messages one "retry all" request handles at most: each is handled in this process while the
 * browser waits, so a request stops there and says that more match; submitting again goes on.
 */
export const BULK_RETRY_LIMIT = 100;

type Action = "retry" | "remove";

/**
 * POST `<base>/failed/<transport>/<id>/retry|remove`: as `messenger:failed:retry <id> --force` and
 * `messenger:failed:remove <id> --force` do. Returns where to redirect (the list, with the flash).
 */
export async function singleAction(
  context: DashboardContext,
  transport: string,
  id: string,
  action: Action,
): Promise<string> {
  const failure = failureReceiver(context.messenger, transport);
  const back = (done: string) => link(context, ["failed"], { transport, done, id });
  if (failure === undefined) return back("not-found");
  const envelope = await failure.receiver.find(id);
  if (envelope === undefined) return back("not-found");
  if (action === "remove") {
    await failure.receiver.reject(envelope);
    return back("removed");
  }
  const message = describeFailedMessage(envelope);
  if (message.undecodable) return back("undecodable");
  const outcome = await retryFailedMessage(context.messenger, transport, envelope);
  return back(
    outcome.status === "handled"
      ? "retried"
      : outcome.status === "failed"
        ? "retry-failed"
        : "retry-not-handled",
  );
}

/**
 * POST `<base>/failed/<transport>/retry|remove` with `ids=` (the ticked messages) or `all=1` and
 * the list's filter fields (`class`, `failed_after`, `failed_before`): every message that matches.
 */
export async function bulkAction(
  context: DashboardContext,
  transport: string,
  action: Action,
  form: URLSearchParams,
): Promise<string> {
  const listQuery = Object.fromEntries(
    ["class", "failed_after", "failed_before", "max"].map((key) => [
      key,
      context.url.searchParams.get(key) ?? undefined,
    ]),
  );
  const back = (flash: Record<string, string | number | undefined>) =>
    link(context, ["failed"], { transport, ...listQuery, ...flash });
  const failure = failureReceiver(context.messenger, transport);
  if (failure === undefined) return back({ done: "not-found", id: "" });
  if (form.get("all") === "1") {
    // Every message of a transport is a lot to retry or remove by one click: the form asks to tick.
    if (form.get("confirm") !== "1") return back({ done: "confirm-missing" });
    let filter: ReturnType<typeof failedPageQuery>["filter"];
    try {
      filter = failedPageQuery(form).filter;
    } catch (error) {
      if (error instanceof UsageError) return back({ done: "nothing-selected" });
      throw error;
    }
    return action === "remove"
      ? back(await removeAllMatching(failure, filter))
      : back(await retryAllMatching(context, failure, filter));
  }
  const ids = [...new Set(form.getAll("ids").filter((id) => id !== ""))];
  if (ids.length === 0) return back({ done: "nothing-selected" });
  let handled = 0;
  let failed = 0;
  let skipped = 0;
  let removed = 0;
  for (const id of ids) {
    const envelope = await failure.receiver.find(id);
    if (envelope === undefined) {
      skipped++;
      continue;
    }
    if (action === "remove") {
      await failure.receiver.reject(envelope);
      removed++;
      continue;
    }
    const outcome = await retryOne(context, failure, describeFailedMessage(envelope));
    if (outcome === "handled") handled++;
    else if (outcome === "skipped") skipped++;
    else failed++;
  }
  return action === "remove"
    ? back({ done: "bulk-removed", n: removed })
    : back({ done: "bulk-retried", n: handled + failed, h: handled, f: failed, s: skipped });
}

async function retryOne(
  context: DashboardContext,
  failure: FailureReceiver,
  message: FailedMessage,
): Promise<"handled" | "failed" | "skipped"> {
  if (message.undecodable) return "skipped";
  const outcome = await retryFailedMessage(context.messenger, failure.name, message.envelope);
  return outcome.status === "handled" ? "handled" : outcome.status === "failed" ? "failed" : "skipped";
}

/**
 * As `messenger:failed:retry` with a filter and `--force`: always the oldest matching message not
 * tried yet in this request, so messages arriving or leaving meanwhile are fine; one that fails
 * again comes back with a later failure time and waits for the next request.
 */
async function retryAllMatching(
  context: DashboardContext,
  failure: FailureReceiver,
  filter: ReturnType<typeof failedPageQuery>["filter"],
): Promise<Record<string, string | number>> {
  const startedAt = context.messenger.clock.now();
  const seen = new Set<string>();
  const selection = {
    isActive: true,
    matches: (message: FailedMessage) =>
      filter.matches(message) &&
      message.id !== undefined &&
      !seen.has(message.id) &&
      !message.undecodable &&
      (message.failedAt === undefined || message.failedAt.getTime() < startedAt),
  };
  let handled = 0;
  let failed = 0;
  let skipped = 0;
  while (seen.size < BULK_RETRY_LIMIT) {
    const next = (await listFailedMessages(failure.receiver, selection, 1)).messages[0];
    if (next === undefined)
      return { done: "bulk-retried", n: handled + failed, h: handled, f: failed, s: skipped };
    seen.add(next.id!);
    const outcome = await retryOne(context, failure, next);
    if (outcome === "handled") handled++;
    else if (outcome === "failed") failed++;
    else skipped++;
  }
  const more = (await listFailedMessages(failure.receiver, selection, 1)).messages.length > 0;
  return {
    done: "bulk-retried",
    n: handled + failed,
    h: handled,
    f: failed,
    s: skipped,
    ...(more ? { more: "1" } : {}),
  };
}

/**
 * As `messenger:failed:remove --all` (or with a filter) and `--force`: counts the matching
 * messages first, then removes that many up to the last one counted, so messages failing
 * meanwhile stay.
 */
async function removeAllMatching(
  failure: FailureReceiver,
  filter: ReturnType<typeof failedPageQuery>["filter"],
): Promise<Record<string, string | number>> {
  let count = 0;
  let lastId: string | undefined;
  for await (const page of readFailedPages(failure.receiver)) {
    for (const message of page) {
      if (!filter.matches(message)) continue;
      count++;
      lastId = message.id;
    }
  }
  if (count === 0) return { done: "bulk-removed", n: 0 };
  const removed = await removeFailedMessages(failure.receiver, filter, {
    count,
    lastId,
    signal: new AbortController().signal,
  });
  return { done: "bulk-removed", n: removed };
}
