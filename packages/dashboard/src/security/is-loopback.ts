/** A loopback address (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6), as a socket reports it. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}
