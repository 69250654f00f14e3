/** A message class (abstract classes and interfaces-by-base-class included). */
export type MessageClass<T extends object = object> = abstract new (...args: any[]) => T;
