/**
 * Masks what looks like credentials in a URL inside free text (`postgres://user:secret@host` becomes
 * `postgres://user:***@host`, `redis://secret@host` becomes `redis://***@host`). Transports keep
 * passwords out of their errors; a driver's own message might not, and a worker prints it at the
 * default verbosity, into logs kept for months.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/([a-z][\w+.-]*:\/\/)([^\s/:@]*):[^\s@]*@/gi, "$1$2:***@")
    .replace(/(rediss?:\/\/)[^\s/:@]+@/gi, "$1***@");
}
