import { describe, expect, it } from "vitest";
import { TransportFactoryRegistry } from "../../src/entry-points/transport.js";
import {
  isBulkSender,
  isCloseableTransport,
  isInspectOnlyTransport,
  isKeepaliveReceiver,
  isListableReceiver,
  isMessageCountAware,
  isQueueReceiver,
  isSetupableTransport,
} from "../../src/index.js";
import { RecordingTransport, RecordingTransportFactory } from "../fixtures/recording-transport.js";

const noop = async () => {};

describe("capability type guards", () => {
  it("recognise each optional capability by its methods", () => {
    const plain = new RecordingTransport();
    const guards = [
      [isSetupableTransport, { setup: noop }],
      [isMessageCountAware, { getMessageCount: noop }],
      [isListableReceiver, { all: noop, find: noop }],
      [isKeepaliveReceiver, { keepalive: noop }],
      [isQueueReceiver, { getFromQueues: noop }],
      [isBulkSender, { sendMany: noop }],
      [isCloseableTransport, { close: noop }],
      [isInspectOnlyTransport, { inspectOnly: () => {} }],
    ] as const;
    for (const [guard, capability] of guards) {
      expect(guard(plain)).toBe(false);
      expect(guard(Object.assign(new RecordingTransport(), capability))).toBe(true);
      expect(guard(null)).toBe(false);
    }
    expect(isListableReceiver({ all: noop })).toBe(false);
  });
});

describe("TransportFactoryRegistry", () => {
  const context = {
    name: "async",
    serializer: undefined as never,
    clock: undefined as never,
    logger: undefined as never,
    bus: undefined as never,
    connections: {},
  };

  it("builds a transport with the first factory that supports the DSN", () => {
    const registry = new TransportFactoryRegistry([new RecordingTransportFactory()]);
    expect(registry.createTransport("record://", {}, context)).toBeInstanceOf(RecordingTransport);
  });

  it("lists the registered schemes for an unknown one", () => {
    const registry = new TransportFactoryRegistry([new RecordingTransportFactory()]);
    expect(() => registry.createTransport("beanstalk://guest:guest@localhost", {}, context)).toThrowError(
      'No transport supports the DSN "beanstalk://guest:***@localhost" of transport "async". Registered schemes: record://.',
    );
  });
});
