import { MessageDecodingFailedError, Stamp } from "@messenger-ts/core";

/**
 * A stamp header this process has no class for (a Symfony stamp such as `ValidationStamp`, or an
 * application's own `App\Stamp\TenantStamp`), kept exactly as received: `SymfonySerializer` writes
 * it back unchanged when the envelope is sent again (a retry, the failure transport), so the PHP
 * side gets its stamp back.
 *
 * It is also a sendable stamp of its own (`SymfonyForeignStamp`, registered in the stamp registry
 * of every `SymfonySerializer`), so a transport left on the default JSON serializer, a failure
 * transport say, keeps it too instead of refusing the message.
 */
export class ForeignStamp extends Stamp {
  static readonly stampName = "SymfonyForeignStamp";

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

  static fromJSON(data: unknown): ForeignStamp {
    const fields = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    if (typeof fields.header !== "string" || typeof fields.value !== "string") {
      throw new MessageDecodingFailedError(
        `Could not decode stamp "${ForeignStamp.stampName}": "header" and "value" must be strings.`,
      );
    }
    return new ForeignStamp(fields.header, fields.value);
  }
}
