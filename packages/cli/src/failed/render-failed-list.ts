import type { ConsoleOutput } from "../console/console-output.js";
import type { FailedMessageCounts } from "./count-failed-messages.js";
import { classLabel } from "./failed-message.js";
import type { FailedMessageFilter } from "./failed-message-filter.js";
import { formatDateTime } from "./format-date-time.js";
import type { FailedMessageList } from "./list-failed-messages.js";
import { oneLine } from "./render-failed-message.js";

/** The list view of `messenger:failed:show`: Id | Class | Failed at | Error, then hints. */
export function renderFailedList(
  list: FailedMessageList,
  filter: FailedMessageFilter,
  max: number,
  transportName: string,
  output: ConsoleOutput,
): void {
  if (list.messages.length === 0) {
    reportNoneFound(filter, output);
    return;
  }
  output.table(
    ["Id", "Class", "Failed at", "Error"],
    list.messages.map((message) => [
      message.id ?? "",
      classLabel(message),
      message.failedAt ? formatDateTime(message.failedAt) : "",
      oneLine(message.error?.errorMessage ?? ""),
    ]),
  );
  const count = list.messages.length;
  const first = list.more ? `, the first ${max}; pass --max to see more` : "";
  if (filter.isActive) {
    output.comment(`Showing ${plural(count, "message")} matching ${filter.describe()}${first}.`);
  } else if (list.more) {
    output.comment(`Showing the first ${plural(max, "message")}; pass --max to see more.`);
  }
  output.comment(`Run messenger:failed:show {id} --transport=${transportName} -vv to see message details.`);
}

/** `--stats`: Class | Count over every message matching the filter, largest count first. */
export function renderFailedStats(
  counts: FailedMessageCounts,
  filter: FailedMessageFilter,
  output: ConsoleOutput,
): void {
  if (counts.total === 0) {
    reportNoneFound(filter, output);
    return;
  }
  output.table(
    ["Class", "Count"],
    counts.classes.map(({ className, count }) => [className, count]),
  );
  output.comment(
    `${plural(counts.total, "message")}${filter.isActive ? ` matching ${filter.describe()}` : ""}.`,
  );
}

function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

/** Symfony's "No failed messages were found.", or which filter found none. */
function reportNoneFound(filter: FailedMessageFilter, output: ConsoleOutput): void {
  output.success(
    filter.isActive
      ? `No failed messages match the filter (${filter.describe()}).`
      : "No failed messages were found.",
  );
}
