import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Checks the TLS certificates of the leads' websites (daily on the schedule). Queue: low_priority. */
@AsMessage("leadgen.check_ssl_certificates")
@AsSymfonyMessage("App\\Message\\CheckSslCertificatesMessage")
export class CheckSslCertificatesMessage {
  constructor(
    /** A certificate ending within this many days counts as expiring. */
    readonly warnDays: number = 14,
  ) {}
}
