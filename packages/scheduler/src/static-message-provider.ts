import type { MessageProvider } from "./message-provider.js";

/** The same messages at every run. */
export class StaticMessageProvider implements MessageProvider {
  readonly #messages: readonly object[];

  constructor(
    messages: readonly object[],
    readonly id: string,
    readonly description: string = "",
  ) {
    this.#messages = [...messages];
  }

  get messages(): readonly object[] {
    return this.#messages;
  }

  getMessages(): Iterable<object> {
    return this.#messages;
  }
}
