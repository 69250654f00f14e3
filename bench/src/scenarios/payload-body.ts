// Bodies for the payload scenario: JSON text of an order with line items, like an application's
// messages carry, of an exact length. Words come from a small vocabulary and numbers vary, so the
// text compresses about as well as real JSON does (not a run of one character, not random bytes).

const WORDS = [
  "alpha",
  "bravo",
  "cable",
  "delta",
  "eagle",
  "fabric",
  "garden",
  "harbor",
  "island",
  "jacket",
  "kettle",
  "ladder",
  "marble",
  "needle",
  "orange",
  "pepper",
  "quartz",
  "ribbon",
  "saddle",
  "timber",
  "umbrella",
  "velvet",
  "walnut",
  "yellow",
  "zipper",
  "anchor",
  "basket",
  "candle",
  "donkey",
  "engine",
  "feather",
  "guitar",
] as const;

/** mulberry32: a small seeded generator, so the same id always gives the same body. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** JSON text of exactly `length` characters (at least 200), the same for the same seed. */
export function payloadBody(seed: number, length: number): string {
  if (!Number.isSafeInteger(length) || length < 200)
    throw new RangeError(`payloadBody: length must be an integer >= 200, got ${length}`);
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const words = (count: number) => Array.from({ length: count }, () => pick(WORDS)).join(" ");
  const order = {
    orderId: `ord-${seed}`,
    customer: { id: Math.floor(random() * 1e9), name: words(2), city: words(1) },
    lines: [] as { sku: string; name: string; quantity: number; price: number }[],
    note: "",
  };
  // Lines until the text is nearly long enough; the note then pads it to the exact length.
  while (JSON.stringify(order).length < length - 120) {
    order.lines.push({
      sku: `SKU-${Math.floor(random() * 100_000)}`,
      name: words(3),
      quantity: 1 + Math.floor(random() * 9),
      price: Math.round(random() * 100_000) / 100,
    });
  }
  const short = length - JSON.stringify(order).length;
  order.note = words(Math.ceil(short / 4)).slice(0, short);
  return JSON.stringify(order);
}
