import { Stamp } from "@messenger-ts/core";

/**
 * A stamp header this process has no class for (a Symfony stamp such as `ValidationStamp`, or an
 * application's own `App\Stamp\TenantStamp`), kept exactly as received: `SymfonySerializer` writes
 * it back unchanged when the envelope is sent again (a retry, the failure transport), so the PHP
 * side gets its stamp back.
 */
export class ForeignStamp extends Stamp {
  constructor(
    /** The whole header name, e.g. `X-Message-Stamp-App\Stamp\TenantStamp`. */
    readonly header: string,
    /** The header value as received (Symfony writes a JSON array of the stamps of that class). */
    readonly value: string,
  ) {
    super();
  }

  /** The PHP class the header names (the part after `X-Message-Stamp-`), or the header itself. */
  get className(): string {
    const prefix = "X-Message-Stamp-";
    return this.header.startsWith(prefix) ? this.header.slice(prefix.length) : this.header;
  }
}
