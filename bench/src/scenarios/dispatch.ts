// Timing method: a plain process.hrtime.bigint() loop around a batch of N sequential awaited calls,
// not tinybench. tinybench times every call on its own; for the direct call (tens of ns) the timer
// read costs as much as the work, so the baseline, and with it every ratio, would be mostly timer
// overhead. One clock read per batch divides that overhead by N.

import { createMessenger, defineHandler, HandledStamp, type Messenger } from "@messenger-ts/core";
import { messengerTracing } from "@messenger-ts/opentelemetry";
import { type INestApplicationContext, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from "@nestjs/cqrs";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Figure, Ratio, Scenario, ScenarioOptions, ScenarioResult } from "../scenario.js";
import { summarize } from "../summarize.js";

/** Each system's handler bumps its own counter and returns it, so no call can be optimised away. */
const counters = { direct: 0, messenger: 0, nest: 0, tracingIdle: 0, tracing: 0 };

class Increment {}

async function incrementDirect(_message: Increment): Promise<number> {
  return ++counters.direct;
}

class IncrementMessage {}

class IncrementCommand extends Command<number> {}

@CommandHandler(IncrementCommand)
class IncrementCommandHandler implements ICommandHandler<IncrementCommand> {
  async execute(_command: IncrementCommand): Promise<number> {
    return ++counters.nest;
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [IncrementCommandHandler] })
class AppModule {}

interface System {
  readonly name: keyof typeof counters;
  readonly label: string;
  /** Runs `n` sequential awaited operations. One function per system keeps each call site monomorphic. */
  readonly loop: (n: number) => Promise<void>;
}

function systems(messenger: Messenger, commandBus: CommandBus): System[] {
  const bus = messenger.bus;
  return [
    {
      name: "direct",
      label: "direct await handler(message)",
      loop: async (n) => {
        for (let i = 0; i < n; i++) await incrementDirect(new Increment());
      },
    },
    {
      name: "messenger",
      label: "messenger-ts bus.dispatch()",
      loop: async (n) => {
        for (let i = 0; i < n; i++) await bus.dispatch(new IncrementMessage());
      },
    },
    {
      name: "nest",
      label: "@nestjs/cqrs commandBus.execute()",
      loop: async (n) => {
        for (let i = 0; i < n; i++) await commandBus.execute(new IncrementCommand());
      },
    },
  ];
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** ns per operation of one batch. */
async function timeBatch(system: System, n: number): Promise<number> {
  // Only with `node --expose-gc`: starts every batch with a clean heap, so one system's garbage is
  // not collected on another's clock.
  collectGarbage?.();
  const start = process.hrtime.bigint();
  await system.loop(n);
  return Number(process.hrtime.bigint() - start) / n;
}

type Calls = Record<System["name"], number>;

/** The messenger-ts bus of a messenger built with `messengerTracing()` as its instrumentation. */
function tracedSystem(name: "tracingIdle" | "tracing", label: string, messenger: Messenger): System {
  const bus = messenger.bus;
  return {
    name,
    label,
    loop: async (n) => {
      for (let i = 0; i < n; i++) await bus.dispatch(new IncrementMessage());
    },
  };
}

/** Spans go through the SDK's span processor and end here: the cost measured is the recording. */
const discardingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

/** Warms the systems up, then times `repetitions` batches of each; returns ns/op per repetition. */
async function measure(
  phase: string,
  systems: readonly System[],
  options: ScenarioOptions & { readonly warmupOperations: number },
  calls: Calls,
): Promise<number[][]> {
  const { n, repetitions, warmupOperations, log } = options;
  // Enough calls for V8 to tier every path up to optimised code, alternated like the measured
  // runs so no system gets the warmest caches.
  log(`dispatch (${phase}): warm-up, ${warmupOperations} operations per system`);
  for (const ops of [warmupOperations >> 1, warmupOperations - (warmupOperations >> 1)]) {
    for (const system of systems) {
      await system.loop(ops);
      calls[system.name] += ops;
    }
  }
  const samples = systems.map((): number[] => []);
  for (let rep = 0; rep < repetitions; rep++) {
    // Rotate the order each repetition, so no system always runs first (or right after another).
    for (let k = 0; k < systems.length; k++) {
      const i = (k + rep) % systems.length;
      samples[i]!.push(await timeBatch(systems[i]!, n));
      calls[systems[i]!.name] += n;
    }
    const line = systems.map((s, i) => `${s.name} ${samples[i]![rep]!.toFixed(1)}`).join(", ");
    log(`dispatch (${phase}): repetition ${rep + 1}/${repetitions}: ${line} ns/op`);
  }
  return samples;
}

function figure(name: string, label: string, samples: readonly number[]): Figure {
  return {
    name,
    label,
    nsPerOp: summarize(samples),
    opsPerSec: summarize(samples.map((ns) => 1e9 / ns)),
    samples,
  };
}

/**
 * Figures timed in the same repetitions are divided pairwise. Figures from different phases share
 * no repetition, so their ratio is median over median, bounded by the extreme min/max pairs.
 */
function ratio(
  name: string,
  numerator: Figure,
  denominator: Figure,
  sameRepetitions: boolean,
  target?: number,
): Ratio {
  const value = sameRepetitions
    ? summarize(numerator.samples.map((ns, i) => ns / denominator.samples[i]!))
    : {
        median: numerator.nsPerOp.median / denominator.nsPerOp.median,
        min: numerator.nsPerOp.min / denominator.nsPerOp.max,
        max: numerator.nsPerOp.max / denominator.nsPerOp.min,
      };
  return {
    name,
    numerator: numerator.name,
    denominator: denominator.name,
    value,
    ...(target === undefined ? {} : { target, met: value.median <= target }),
  };
}

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const { n, repetitions } = options;
  counters.direct = counters.messenger = counters.nest = counters.tracingIdle = counters.tracing = 0;
  const messenger = createMessenger({
    handlers: [
      defineHandler(IncrementMessage, async function incrementMessenger(_message) {
        return ++counters.messenger;
      }),
    ],
  });
  // Installed, and no tracer provider is registered globally: what the zero-cost promise is about.
  const tracingIdleMessenger = createMessenger({
    handlers: [
      defineHandler(IncrementMessage, async function incrementTracingIdle(_message) {
        return ++counters.tracingIdle;
      }),
    ],
    instrumentation: messengerTracing(),
  });
  // With an SDK provider of its own (the global one stays unset for the idle messenger).
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(discardingExporter)],
  });
  const tracingMessenger = createMessenger({
    handlers: [
      defineHandler(IncrementMessage, async function incrementTracing(_message) {
        return ++counters.tracing;
      }),
    ],
    instrumentation: messengerTracing({ tracerProvider }),
  });
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const [direct, viaMessenger, viaNest] = systems(messenger, app.get(CommandBus)) as [
      System,
      System,
      System,
    ];
    const calls: Calls = { direct: 0, messenger: 0, nest: 0, tracingIdle: 0, tracing: 0 };
    const warmupOperations = Math.max(20_000, Math.floor(n / 4));

    // Phase 1, before messenger-ts dispatches anything. Its first dispatch runs an
    // AsyncLocalStorage (dispatch-after-current-bus middleware); on Node 20 that switches on
    // promise hooks for the whole process, for good, which makes every await slower, the direct
    // call's and Nest's included. This phase shows what they cost without that.
    const checks: Record<string, boolean> = {
      "direct returns the handler result": (await incrementDirect(new Increment())) === counters.direct,
      "nest returns the handler result":
        (await app.get(CommandBus).execute(new IncrementCommand())) === counters.nest,
    };
    calls.direct++;
    calls.nest++;
    const before = await measure(
      "before messenger",
      [direct, viaNest],
      { ...options, warmupOperations },
      calls,
    );

    // Phase 2, the comparison proper: all three in the same process state, alternating.
    checks["messenger records the handler result"] =
      (await messenger.bus.dispatch(new IncrementMessage())).last(HandledStamp)?.result ===
      counters.messenger;
    calls.messenger++;
    const main = await measure(
      "all three",
      [direct, viaMessenger, viaNest],
      { ...options, warmupOperations },
      calls,
    );

    // Phase 3, tracing installed and idle: no tracer provider, no context manager (no SDK at all),
    // against the plain bus in the same repetitions.
    const tracingIdle = tracedSystem(
      "tracingIdle",
      "messenger-ts bus.dispatch(), messengerTracing() installed, no tracer provider",
      tracingIdleMessenger,
    );
    await tracingIdle.loop(1);
    calls.tracingIdle++;
    const idle = await measure(
      "tracing idle",
      [viaMessenger, tracingIdle],
      { ...options, warmupOperations },
      calls,
    );

    // Phase 4, tracing recording: the SDK as an application runs it (AsyncLocalStorage context
    // manager, batch span processor), registered only now so it cannot slow the phases before.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const tracing = tracedSystem(
      "tracing",
      "messenger-ts bus.dispatch(), messengerTracing() with an SDK tracer provider (2 spans per dispatch)",
      tracingMessenger,
    );
    await tracing.loop(1);
    calls.tracing++;
    const recording = await measure(
      "tracing",
      [viaMessenger, tracing],
      { ...options, warmupOperations },
      calls,
    );

    for (const system of [direct, viaMessenger, viaNest, tracingIdle, tracing]) {
      checks[`${system.name} handler ran ${calls[system.name]} times`] =
        counters[system.name] === calls[system.name];
    }
    const figures = {
      direct: figure("direct", direct.label, main[0]!),
      messenger: figure("messenger", viaMessenger.label, main[1]!),
      nest: figure("nest", viaNest.label, main[2]!),
      directBefore: figure("direct-before-messenger", `${direct.label}, before messenger ran`, before[0]!),
      nestBefore: figure("nest-before-messenger", `${viaNest.label}, before messenger ran`, before[1]!),
      messengerIdlePhase: figure("messenger-tracing-idle-phase", `${viaMessenger.label}, phase 3`, idle[0]!),
      tracingIdle: figure("tracing-idle", tracingIdle.label, idle[1]!),
      messengerRecordingPhase: figure(
        "messenger-tracing-phase",
        `${viaMessenger.label}, phase 4 (context manager on)`,
        recording[0]!,
      ),
      tracing: figure("tracing", tracing.label, recording[1]!),
    };
    return {
      scenario: "dispatch",
      description: dispatch.description,
      method:
        "process.hrtime.bigint() around batches of n sequential awaited calls; systems alternate (rotating order) " +
        "per repetition; phase 1 (direct, nest) runs before messenger-ts's first dispatch, phase 2 runs all three, " +
        "phase 3 messenger-ts without and with an idle messengerTracing() (no SDK), " +
        "phase 4 without and with a recording one (SDK context manager and batch span processor on)",
      n,
      repetitions,
      warmupOperations,
      figures: Object.values(figures),
      ratios: [
        ratio("messenger dispatch / direct call", figures.messenger, figures.direct, true, 10),
        ratio("messenger dispatch / nestjs execute", figures.messenger, figures.nest, true, 1),
        ratio(
          "messenger dispatch / direct, before messenger",
          figures.messenger,
          figures.directBefore,
          false,
        ),
        ratio("messenger dispatch / nestjs, before messenger", figures.messenger, figures.nestBefore, false),
        ratio("direct call after / before messenger ran", figures.direct, figures.directBefore, false),
        ratio(
          "tracing installed, no provider / messenger dispatch",
          figures.tracingIdle,
          figures.messengerIdlePhase,
          true,
          1.1,
        ),
        ratio(
          "tracing with a provider / messenger dispatch, context manager on",
          figures.tracing,
          figures.messengerRecordingPhase,
          true,
        ),
      ],
      checks,
    };
  } finally {
    await app?.close();
    await messenger.close();
    await tracingIdleMessenger.close();
    await tracingMessenger.close();
    await tracerProvider.shutdown();
  }
}

export const dispatch: Scenario = {
  name: "dispatch",
  description:
    "One message to one in-process handler: a direct async call, messenger-ts bus.dispatch() on a bus with the " +
    "default middleware stack (which skips the steps that have nothing to do for an application's message with " +
    "one handler and no transport), and @nestjs/cqrs CommandBus.execute().",
  defaultN: 200_000,
  quickN: 20_000,
  run,
};
