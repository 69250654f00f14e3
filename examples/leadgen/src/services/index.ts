import { AiWriter } from "./ai-writer.js";
import { AresClient } from "./ares-client.js";
import { AresSyncService } from "./ares-sync-service.js";
import { BenchmarkCalculator } from "./benchmark-calculator.js";
import { CertificateChecker } from "./certificate-checker.js";
import { DataCleanupService } from "./data-cleanup-service.js";
import { DiscoveryService } from "./discovery-service.js";
import { EmailService } from "./email-service.js";
import { Latency } from "./latency.js";
import { LeadAnalyzer } from "./lead-analyzer.js";
import { OfferGenerator } from "./offer-generator.js";
import { OutageSimulator } from "./outage-simulator.js";
import { ProposalExpiryService } from "./proposal-expiry-service.js";
import { ProposalGenerator } from "./proposal-generator.js";
import { ScreenshotClient } from "./screenshot-client.js";
import { SesSender } from "./ses-sender.js";
import { SesWebhookProcessor } from "./ses-webhook-processor.js";

export {
  AiWriter,
  AresClient,
  AresSyncService,
  BenchmarkCalculator,
  CertificateChecker,
  DataCleanupService,
  DiscoveryService,
  EmailService,
  Latency,
  LeadAnalyzer,
  OfferGenerator,
  OutageSimulator,
  ProposalExpiryService,
  ProposalGenerator,
  ScreenshotClient,
  SesSender,
  SesWebhookProcessor,
};

/** The application's services, one instance each per application (registered as singletons in its container). */
export interface LeadgenServices {
  readonly leadAnalyzer: LeadAnalyzer;
  readonly screenshotClient: ScreenshotClient;
  readonly emailService: EmailService;
  readonly sesSender: SesSender;
  readonly proposalGenerator: ProposalGenerator;
  readonly offerGenerator: OfferGenerator;
  readonly aiWriter: AiWriter;
  readonly aresClient: AresClient;
  readonly aresSync: AresSyncService;
  readonly discovery: DiscoveryService;
  readonly benchmarkCalculator: BenchmarkCalculator;
  readonly sesWebhookProcessor: SesWebhookProcessor;
  readonly proposalExpiry: ProposalExpiryService;
  readonly certificateChecker: CertificateChecker;
  readonly dataCleanup: DataCleanupService;
  readonly outages: OutageSimulator;
  readonly latency: Latency;
}

/** Which class each service is. */
export const SERVICE_CLASSES = {
  leadAnalyzer: LeadAnalyzer,
  screenshotClient: ScreenshotClient,
  emailService: EmailService,
  sesSender: SesSender,
  proposalGenerator: ProposalGenerator,
  offerGenerator: OfferGenerator,
  aiWriter: AiWriter,
  aresClient: AresClient,
  aresSync: AresSyncService,
  discovery: DiscoveryService,
  benchmarkCalculator: BenchmarkCalculator,
  sesWebhookProcessor: SesWebhookProcessor,
  proposalExpiry: ProposalExpiryService,
  certificateChecker: CertificateChecker,
  dataCleanup: DataCleanupService,
  outages: OutageSimulator,
  latency: Latency,
} as const satisfies { readonly [K in keyof LeadgenServices]: new (...args: any[]) => LeadgenServices[K] };
