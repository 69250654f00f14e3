/** A message class (abstract classes and interfaces-by-base-class included). */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters differ per message.
export type MessageClass<T extends object = object> = abstract new (...args: any[]) => T;
