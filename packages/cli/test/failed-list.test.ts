import {
  AsMessage,
  Envelope,
  type ListableReceiver,
  RedeliveryStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { InMemoryTransport } from "@messenger-ts/transport-memory";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/console/usage-error.js";
import { countFailedMessages } from "../src/failed/count-failed-messages.js";
import { describeFailedMessage } from "../src/failed/failed-message.js";
import { FailedMessageFilter } from "../src/failed/failed-message-filter.js";
import { FAILED_PAGE_SIZE, listFailedMessages } from "../src/failed/list-failed-messages.js";
import { removeFailedMessages } from "../src/failed/remove-failed-messages.js";

@AsMessage("failed_list_test.job")
class Job {
  constructor(readonly n: number) {}
}

@AsMessage("failed_list_test.report")
class Report {
  constructor(readonly n: number) {}
}

const at = (iso: string) => new Date(iso);

/** A failure transport holding `count` jobs, with reports at the given positions (1-based). */
async function transportWith(count: number, reportsAt: readonly number[]): Promise<InMemoryTransport> {
  const transport = new InMemoryTransport();
  for (let n = 1; n <= count; n++) {
    const message = reportsAt.includes(n) ? new Report(n) : new Job(n);
    await transport.send(Envelope.wrap(message, [new RedeliveryStamp(0, at("2026-01-01T00:00:00Z"))]));
  }
  return transport;
}

const numbers = (list: { messages: readonly { envelope: Envelope }[] }) =>
  list.messages.map((m) => (m.envelope.message as Job | Report).n);

describe("listFailedMessages", () => {
  it("applies the filter before the limit, reading further than the first pages when it must", async () => {
    const transport = await transportWith(1_000, [3, 998, 999, 1_000]);
    const filter = new FailedMessageFilter({ classFilter: "Report" });

    const firstTwo = await listFailedMessages(transport, filter, 2);
    expect(numbers(firstTwo)).toEqual([3, 998]);
    expect(firstTwo.more).toBe(true);

    const all = await listFailedMessages(transport, filter, 50);
    expect(numbers(all)).toEqual([3, 998, 999, 1_000]);
    expect(all.more).toBe(false);

    const everything = await listFailedMessages(transport, filter);
    expect(numbers(everything)).toEqual([3, 998, 999, 1_000]);
  });

  it("without a filter reads one more than asked, to tell whether there are more", async () => {
    const transport = await transportWith(5, []);
    const limits: (number | undefined)[] = [];
    const receiver: ListableReceiver = {
      all: (limit) => {
        limits.push(limit);
        return transport.all(limit);
      },
      find: (id) => transport.find(id),
    };
    const three = await listFailedMessages(receiver, new FailedMessageFilter(), 3);
    expect(numbers(three)).toEqual([1, 2, 3]);
    expect(three.more).toBe(true);
    expect(limits).toEqual([4]);
    expect((await listFailedMessages(receiver, new FailedMessageFilter(), 5)).more).toBe(false);
  });
});

/** The transport as a ListableReceiver that records every all() call. */
function recording(transport: InMemoryTransport) {
  const calls: { limit: number | undefined; after: string | number | undefined }[] = [];
  const receiver: ListableReceiver = {
    all: (limit, after) => {
      calls.push({ limit, after });
      return transport.all(limit, after);
    },
    find: (id) => transport.find(id),
  };
  const largestPage = () => Math.max(...calls.map((call) => call.limit ?? Number.POSITIVE_INFINITY));
  return { receiver, calls, largestPage };
}

describe("reading a failure transport a page at a time", () => {
  it("--stats counts per class over every page, never asking for more than a page", async () => {
    const reports = Array.from({ length: 700 }, (_, i) => 3 * i + 2);
    const transport = await transportWith(2_400, reports);
    const { receiver, calls, largestPage } = recording(transport);

    const counts = await countFailedMessages(receiver, new FailedMessageFilter());
    expect(counts.total).toBe(2_400);
    expect(counts.classes.map(({ className, count }) => [className, count])).toEqual([
      ["Job", 1_700],
      ["Report", 700],
    ]);
    expect(largestPage()).toBe(FAILED_PAGE_SIZE);
    // Five pages of 500 (the last one short), each after the last id of the one before.
    expect(calls.map((call) => call.after)).toEqual([undefined, "500", "1000", "1500", "2000"]);

    const reportsOnly = await countFailedMessages(
      receiver,
      new FailedMessageFilter({ classFilter: "Report" }),
    );
    expect(reportsOnly.total).toBe(700);
    expect(largestPage()).toBe(FAILED_PAGE_SIZE);
  });

  it("a filtered listing reads pages until it has one more than asked", async () => {
    const transport = await transportWith(1_600, [3, 1_200, 1_599]);
    const { receiver, calls, largestPage } = recording(transport);
    const list = await listFailedMessages(receiver, new FailedMessageFilter({ classFilter: "Report" }), 2);
    expect(numbers(list)).toEqual([3, 1_200]);
    expect(list.more).toBe(true);
    expect(calls.map((call) => call.after)).toEqual([undefined, "500", "1000", "1500"]);
    expect(largestPage()).toBe(FAILED_PAGE_SIZE);
  });

  it("failed:remove removes page by page, each page once the next is read, and only what was counted", async () => {
    const transport = await transportWith(1_300, [5, 700, 1_250]);
    const { receiver: listing, largestPage } = recording(transport);
    const afterStillStored: boolean[] = [];
    const receiver = {
      get: () => transport.get(),
      ack: (envelope: Envelope) => transport.ack(envelope),
      reject: (envelope: Envelope) => transport.reject(envelope),
      find: (id: string | number) => transport.find(id),
      all: async (limit?: number, after?: string | number) => {
        if (after !== undefined) afterStillStored.push((await transport.find(after)) !== undefined);
        return listing.all(limit, after);
      },
    };
    const signal = new AbortController().signal;

    const reports = new FailedMessageFilter({ classFilter: "Report" });
    expect(await removeFailedMessages(receiver, reports, { count: 3, lastId: "1250", signal })).toBe(3);
    expect(numbers({ messages: (await transport.all()).map(describeFailedMessage) })).toHaveLength(1_297);

    // Failed after the count: stays.
    await transport.send(Envelope.wrap(new Job(1_301), [new RedeliveryStamp(0, at("2026-01-02T00:00:00Z"))]));
    const removed = await removeFailedMessages(receiver, new FailedMessageFilter(), {
      count: 1_297,
      lastId: "1300",
      signal,
    });
    expect(removed).toBe(1_297);
    expect(numbers({ messages: (await transport.all()).map(describeFailedMessage) })).toEqual([1_301]);
    expect(largestPage()).toBe(FAILED_PAGE_SIZE);
    expect(afterStillStored.length).toBeGreaterThan(2);
    expect(afterStillStored.every(Boolean), "each page is read after a message still stored").toBe(true);
  });

  it("refuses a receiver that ignores after instead of reading the first page forever", async () => {
    const transport = await transportWith(FAILED_PAGE_SIZE + 1, []);
    const ignoring: ListableReceiver = {
      all: (limit) => transport.all(limit),
      find: (id) => transport.find(id),
    };
    await expect(countFailedMessages(ignoring, new FailedMessageFilter())).rejects.toMatchObject({
      code: "NOT_LISTABLE",
    });
  });
});

describe("FailedMessageFilter", () => {
  const failedAt = (iso: string | undefined, message: object = new Job(1)) =>
    describeFailedMessage(
      Envelope.wrap(message, [
        new TransportMessageIdStamp(1),
        ...(iso === undefined ? [] : [new RedeliveryStamp(0, at(iso))]),
      ]),
    );

  it("matches a class by its class name or its type name", () => {
    expect(new FailedMessageFilter({ classFilter: "Job" }).matches(failedAt(undefined))).toBe(true);
    expect(
      new FailedMessageFilter({ classFilter: "failed_list_test.job" }).matches(failedAt(undefined)),
    ).toBe(true);
    expect(new FailedMessageFilter({ classFilter: "Report" }).matches(failedAt(undefined))).toBe(false);
  });

  it("keeps both time bounds inclusive and never selects a message with no failure time", () => {
    const filter = new FailedMessageFilter({
      failedAfter: at("2026-01-01T10:00:00Z"),
      failedBefore: at("2026-01-01T11:00:00Z"),
    });
    expect(filter.matches(failedAt("2026-01-01T10:00:00Z"))).toBe(true);
    expect(filter.matches(failedAt("2026-01-01T11:00:00Z"))).toBe(true);
    expect(filter.matches(failedAt("2026-01-01T09:59:59.999Z"))).toBe(false);
    expect(filter.matches(failedAt("2026-01-01T11:00:00.001Z"))).toBe(false);
    expect(filter.matches(failedAt(undefined))).toBe(false);
  });

  it("refuses an empty window and an empty class name", () => {
    expect(
      () =>
        new FailedMessageFilter({
          failedAfter: at("2026-02-01T00:00:00Z"),
          failedBefore: at("2026-01-01T00:00:00Z"),
        }),
    ).toThrowError(UsageError);
    expect(() => new FailedMessageFilter({ classFilter: " " })).toThrowError(
      /--class-filter must not be empty/,
    );
  });
});
