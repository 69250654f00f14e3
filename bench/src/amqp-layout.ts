// What the layout of a message costs RabbitMQ, with plain amqplib on both sides so that no
// messenger-ts code runs: the same jobs published and consumed as the benchmark's amqplib peer
// does (default exchange, no headers) and as Symfony's AMQP transport and messenger-amqp do
// (through an exchange, with the serializer's headers, a timestamp, a message_id), one property at a
// time. Each round publishes N jobs in batches of 1,000 with confirms, then consumes half of them at
// prefetch 1 and half at prefetch 20, acknowledging each; the layouts take turns within a round, the
// first one rotating, so load that comes and goes on the machine hits them alike. The figures are
// each layout's median and its median ratio to the plain layout of the same round, with the broker's
// CPU time a message (the local server's `beam.smp`, from /proc). Run from bench/:
// `node dist/amqp-layout.js`.

import type { Channel, ChannelModel, ConfirmChannel } from "amqplib";
import { LAYOUTS, type Layout, layoutNamed } from "./amqp-layouts.js";
import { AMQP_URL, deleteAmqp, isolated, probeAmqp } from "./backends.js";
import { median } from "./median.js";
import { serverCpuSeconds } from "./server-cpu.js";

const USAGE = `Usage: node dist/amqp-layout.js [--n=<even count>] [--rounds=<count>] [--layouts=<name>[,<name>...]]
Layouts: ${LAYOUTS.map((layout) => layout.name).join(", ")}`;
// Bad input stops the run with what is allowed, rather than running the default measurement.
for (const arg of process.argv.slice(2)) {
  const sized = /^--(n|rounds)=(.*)$/.exec(arg);
  if (sized && !(/^[1-9][0-9]*$/.test(sized[2]!) && (sized[1] !== "n" || Number(sized[2]) % 2 === 0))) {
    console.error(
      `--${sized[1]} needs a positive ${sized[1] === "n" ? "even " : ""}integer, got "${sized[2]}".\n${USAGE}`,
    );
    process.exit(2);
  }
  if (!sized && !arg.startsWith("--layouts=")) {
    console.error(`Unknown option "${arg}".\n${USAGE}`);
    process.exit(2);
  }
}
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(option("n") ?? 20_000);
const rounds = Number(option("rounds") ?? 5);
const chosen = option("layouts")?.split(",") ?? LAYOUTS.map((layout) => layout.name);
for (const name of chosen) {
  try {
    layoutNamed(name);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
// The plain layout is what the ratios are taken against: it always runs.
const layouts = LAYOUTS.filter((layout) => layout.name === "plain" || chosen.includes(layout.name));

const PHASES = ["publish", "prefetch 1", "prefetch 20"] as const;
type Phase = (typeof PHASES)[number];
interface Figure {
  readonly perSecond: number;
  /** The broker's CPU µs a message, or NaN where /proc cannot tell. */
  readonly brokerMicros: number;
}

/** Runs `work` over `messages` messages: its rate, and the broker's CPU over it. */
async function measure(messages: number, work: () => Promise<number>): Promise<Figure> {
  const before = await serverCpuSeconds("amqp");
  const seconds = await work();
  const after = await serverCpuSeconds("amqp");
  const brokerMicros =
    before === undefined || after === undefined ? Number.NaN : ((after - before) * 1e6) / messages;
  return { perSecond: messages / seconds, brokerMicros };
}

/** Publishes n jobs in batches of 1,000, each batch's confirms awaited; seconds taken. */
async function publish(channel: ConfirmChannel, exchange: string, queue: string, layout: Layout) {
  const start = performance.now();
  for (let from = 0; from < n; from += 1_000) {
    for (let id = from; id < Math.min(n, from + 1_000); id++) {
      const content = Buffer.from(JSON.stringify({ id }));
      channel.publish(exchange, exchange === "" ? queue : "", content, layout.properties());
    }
    await channel.waitForConfirms();
  }
  return (performance.now() - start) / 1_000;
}

/**
 * Consumes `count` messages at this prefetch, acknowledging each as it comes, as the peer's worker
 * does; seconds from the first delivery to the last. Deliveries past the count stay unacknowledged
 * and go back to the queue when the channel closes.
 */
async function consume(model: ChannelModel, queue: string, prefetch: number, count: number) {
  const channel: Channel = await model.createChannel();
  await channel.prefetch(prefetch);
  let received = 0;
  let first = 0;
  const seconds = await new Promise<number>((resolve, reject) => {
    channel
      .consume(
        queue,
        (message) => {
          if (message === null || received === count) return;
          if (received++ === 0) first = performance.now();
          channel.ack(message);
          if (received === count) resolve((performance.now() - first) / 1_000);
        },
        { noAck: false },
      )
      .catch(reject);
  });
  await channel.close();
  return seconds;
}

/** One round of one layout on a fresh queue (and exchange): its three figures. */
async function runLayout(model: ChannelModel, layout: Layout): Promise<Record<Phase, Figure>> {
  const queue = isolated(`bench.layout.${layout.name}`);
  const exchange = layout.viaExchange ? queue : "";
  await deleteAmqp([queue]);
  const channel = await model.createConfirmChannel();
  try {
    await channel.assertQueue(queue, { durable: true });
    if (exchange !== "") {
      await channel.assertExchange(exchange, "fanout", { durable: true });
      await channel.bindQueue(queue, exchange, "");
    }
    const half = n / 2;
    return {
      publish: await measure(n, () => publish(channel, exchange, queue, layout)),
      "prefetch 1": await measure(half, () => consume(model, queue, 1, half)),
      "prefetch 20": await measure(half, () => consume(model, queue, 20, half)),
    };
  } finally {
    await channel.close().catch(() => undefined);
    await deleteAmqp([queue]);
  }
}

const problem = await probeAmqp();
if (problem) {
  console.error(`RabbitMQ is not available: ${problem}`);
  process.exit(1);
}
const { connect } = await import("amqplib");
const model = await connect(AMQP_URL);
const results = new Map<string, Record<Phase, Figure>[]>(layouts.map((layout) => [layout.name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    const order = layouts.map((_, i) => layouts[(i + round) % layouts.length]!);
    for (const layout of order) {
      const figures = await runLayout(model, layout);
      results.get(layout.name)!.push(figures);
      const line = PHASES.map(
        (phase) =>
          `${phase} ${Math.round(figures[phase].perSecond)}/s (broker ${figures[phase].brokerMicros.toFixed(0)} µs)`,
      ).join(", ");
      console.log(`round ${round + 1}/${rounds} ${layout.name}: ${line}`);
    }
  }
} finally {
  await model.close();
}

const range = (values: readonly number[], digits: number) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
const plain = results.get("plain")!;
console.log(
  `\n${n} jobs a round (published in batches of 1,000 with confirms; half consumed at prefetch 1, half at 20), ${rounds} rounds: median (min–max); ratio to plain: median of the rounds' ratios\n`,
);
console.log(`| layout | ${PHASES.map((p) => `${p}, jobs/s | ratio | broker µs`).join(" | ")} |`);
console.log(`| --- | ${PHASES.map(() => "---: | ---: | ---:").join(" | ")} |`);
for (const layout of layouts) {
  const rows = results.get(layout.name)!;
  const cells = PHASES.map((phase) => {
    const rates = rows.map((row) => row[phase].perSecond);
    const ratios = rows.map((row, i) => row[phase].perSecond / plain[i]![phase].perSecond);
    return `${range(rates, 0)} | ${median(ratios).toFixed(2)}x | ${median(rows.map((row) => row[phase].brokerMicros)).toFixed(0)}`;
  });
  console.log(`| ${layout.name} | ${cells.join(" | ")} |`);
}
console.log("");
for (const layout of layouts) console.log(`- ${layout.name}: ${layout.description}`);
