import type { Envelope } from "../envelope/envelope.js";
import type { Middleware } from "./middleware.js";

/**
 * What an instrumentation (tracing, for instance) hooks into a messenger: a middleware that runs
 * first on every bus, and wrappers around each send to a transport and each handler call. Given
 * as `instrumentation` in the messenger configuration.
 *
 * `active()` is asked once per message before any wrapper is used: while it returns false, the
 * send and handle steps call the transports and handlers directly, as without an instrumentation,
 * so an instrumentation with nothing to record costs one call per message.
 */
export interface MessengerInstrumentation {
  /** Cheap: asked on every send and every handling. */
  active(): boolean;
  /**
   * Runs before the default middleware of every bus (only on buses that keep them). It should
   * offer a skippable application-dispatch shortcut while it is inactive, or the bus loses its
   * direct-call path.
   */
  readonly middleware: Middleware;
  /** Wraps the send of one envelope to one transport; must call `send` once and return its result. */
  send(
    envelope: Envelope,
    transportName: string,
    send: (envelope: Envelope) => Promise<Envelope>,
  ): Promise<Envelope>;
  /**
   * Wraps one handler call; must call `call` once and return what it returns (a promise stays a
   * promise, a throw stays a throw).
   */
  handle(envelope: Envelope, handlerName: string, call: () => unknown): unknown;
}
