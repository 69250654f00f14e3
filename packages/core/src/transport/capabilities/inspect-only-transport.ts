/**
 * A transport that can be told, before its first use, that this process will only inspect it
 * (count, list, find): it then creates nothing, no file, directory or table, and a missing store
 * is an error naming it. Status and listing commands ask for this, so a mistyped path is an error
 * instead of a new empty database.
 */
export interface InspectOnlyTransport {
  inspectOnly(): void;
}

export function isInspectOnlyTransport(value: unknown): value is InspectOnlyTransport {
  return typeof (value as Partial<InspectOnlyTransport> | null)?.inspectOnly === "function";
}
