import { AsMessageHandler } from "@messenger-ts/core";
import { CheckSslCertificatesMessage } from "../messages/check-ssl-certificates-message.js";
import { CertificateChecker } from "../services/certificate-checker.js";

/** Checks the leads' TLS certificates (daily). */
@AsMessageHandler({ handles: CheckSslCertificatesMessage })
export class CheckSslCertificatesHandler {
  constructor(private readonly certificates: CertificateChecker) {}

  handle(message: CheckSslCertificatesMessage) {
    return this.certificates.checkAll(message.warnDays);
  }
}
