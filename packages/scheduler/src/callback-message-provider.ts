import type { MessageContext } from "./message-context.js";
import type { MessageProvider } from "./message-provider.js";

/** Messages computed at each run by a function of the run's context. */
export class CallbackMessageProvider implements MessageProvider {
  constructor(
    private readonly callback: (context: MessageContext) => Iterable<object>,
    readonly id: string,
    readonly description: string = "",
  ) {}

  getMessages(context: MessageContext): Iterable<object> {
    return this.callback(context);
  }
}
