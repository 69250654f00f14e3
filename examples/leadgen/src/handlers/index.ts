import { AnalyzeLeadHandler } from "./analyze-lead-handler.js";
import { CalculateBenchmarksHandler } from "./calculate-benchmarks-handler.js";
import { CheckSslCertificatesHandler } from "./check-ssl-certificates-handler.js";
import { CleanUpOldDataHandler } from "./clean-up-old-data-handler.js";
import { DiscoverLeadsHandler } from "./discover-leads-handler.js";
import { ExpireProposalsHandler } from "./expire-proposals-handler.js";
import { GenerateOfferHandler } from "./generate-offer-handler.js";
import { GenerateProposalHandler } from "./generate-proposal-handler.js";
import { ProcessSesWebhookHandler } from "./process-ses-webhook-handler.js";
import { SendEmailHandler } from "./send-email-handler.js";
import { SyncAresDataHandler } from "./sync-ares-data-handler.js";
import { TakeScreenshotHandler } from "./take-screenshot-handler.js";

export {
  AnalyzeLeadHandler,
  CalculateBenchmarksHandler,
  CheckSslCertificatesHandler,
  CleanUpOldDataHandler,
  DiscoverLeadsHandler,
  ExpireProposalsHandler,
  GenerateOfferHandler,
  GenerateProposalHandler,
  ProcessSesWebhookHandler,
  SendEmailHandler,
  SyncAresDataHandler,
  TakeScreenshotHandler,
};

/** The seed's nine handlers, one per message. */
export const messageHandlers = [
  SendEmailHandler,
  ProcessSesWebhookHandler,
  AnalyzeLeadHandler,
  GenerateProposalHandler,
  GenerateOfferHandler,
  SyncAresDataHandler,
  DiscoverLeadsHandler,
  TakeScreenshotHandler,
  CalculateBenchmarksHandler,
] as const;

/** The handlers of the scheduled maintenance tasks the seed left undone. */
export const scheduledTaskHandlers = [
  ExpireProposalsHandler,
  CheckSslCertificatesHandler,
  CleanUpOldDataHandler,
] as const;

/** Every handler of the application. */
export const leadgenHandlers = [...messageHandlers, ...scheduledTaskHandlers] as const;
