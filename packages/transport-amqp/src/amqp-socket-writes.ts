import type { Channel, ChannelModel } from "amqplib";

/**
 * amqplib's multiplexer: each channel writes its frames into a stream of its own, which the
 * multiplexer lists when the stream becomes readable (on the next tick) and moves to the socket
 * later in the turn (`setImmediate`), one `write()` per frame. Not part of amqplib's typed API:
 * looked up with care, and left alone if its shape differs.
 */
interface AmqplibMux {
  out?: { cork?: () => void; uncork?: () => void };
  newStreams?: unknown[];
  blocked?: boolean;
  _readIncoming?: () => void;
}

interface AmqplibConnection {
  muxer?: AmqplibMux;
  channels?: ({ buffer?: { readableLength?: number } } | null)[];
}

const muxOf = (connection: unknown): AmqplibMux | undefined => (connection as AmqplibConnection).muxer;

/**
 * Makes the frames amqplib writes in one pass of its multiplexer go out to the socket together:
 * the socket is corked for the pass and uncorked at its end, so a turn's acks or a batch of
 * publishes is one `writev()` (one system call) instead of one `write()` per frame. The bytes,
 * their order and the moment they reach the kernel (the end of the same synchronous pass) do not
 * change, nor does the back-pressure: a corked socket still reports a full buffer, and the
 * multiplexer waits for `drain` as before. Returns false, changing nothing, if this amqplib has no
 * such multiplexer.
 */
export function coalesceWrites(model: ChannelModel): boolean {
  const mux = muxOf(model.connection);
  const out = mux?.out;
  const pass = mux?._readIncoming;
  if (!mux || !out || typeof pass !== "function") return false;
  const { cork, uncork } = out;
  if (typeof cork !== "function" || typeof uncork !== "function") return false;
  mux._readIncoming = function corkedPass(this: AmqplibMux) {
    cork.call(out);
    try {
      pass.call(this);
    } finally {
      uncork.call(out);
    }
  };
  return true;
}

/**
 * Moves what the channel wrote so far to the socket now, instead of later in the turn: the
 * multiplexer's pass, run at once for this channel's stream (and any other stream it already
 * listed). Acks go out before the rest of the turn's work (a worker's next fetch, its idle wait)
 * rather than after it: at a prefetch of 1 the broker sends nothing before the ack, so every
 * microsecond the ack waits is one the worker waits too. The pass the multiplexer scheduled itself
 * then finds the stream empty. Does nothing if this amqplib has no such multiplexer, or while the
 * socket is full (the multiplexer writes on `drain`).
 */
export function writeNow(channel: Channel): void {
  const connection = channel.connection as unknown as AmqplibConnection;
  const mux = connection.muxer;
  const number = (channel as unknown as { ch?: unknown }).ch;
  if (!mux || mux.blocked || typeof number !== "number" || !Array.isArray(mux.newStreams)) return;
  if (typeof mux._readIncoming !== "function") return;
  const stream = connection.channels?.[number]?.buffer;
  if (!stream?.readableLength) return;
  mux.newStreams.push(stream);
  mux._readIncoming();
}
