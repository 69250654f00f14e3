import { Envelope, JsonSerializer, messageTypes } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  CalculateBenchmarksMessage,
  CheckSslCertificatesMessage,
  CleanUpOldDataMessage,
  DiscoverLeadsMessage,
  ExpireProposalsMessage,
  GenerateOfferMessage,
  GenerateProposalMessage,
  ProcessSesWebhookMessage,
  ROUTING,
  SendEmailMessage,
  type SesNotification,
  SyncAresDataMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { createUnitApp, type UnitApp } from "../support/unit-app.js";

const bounce: SesNotification = {
  notificationType: "Bounce",
  mail: {
    messageId: "0100abc-000000",
    destination: ["info@example.cz"],
    timestamp: "2024-01-01T10:00:00.000Z",
  },
  bounce: {
    bounceType: "Permanent",
    bounceSubType: "General",
    bouncedRecipients: [{ emailAddress: "info@example.cz", diagnosticCode: "smtp; 550 5.1.1 user unknown" }],
  },
};

/** Each message: its type name, its fields as built with defaults, and the queue the seed routes it to. */
const cases: { message: object; typeName: string; fields: Record<string, unknown>; transport: string }[] = [
  {
    message: new SendEmailMessage(7),
    typeName: "leadgen.send_email",
    fields: { offerId: 7, userId: null },
    transport: "high_priority",
  },
  {
    message: new ProcessSesWebhookMessage(bounce),
    typeName: "leadgen.process_ses_webhook",
    fields: { payload: bounce },
    transport: "high_priority",
  },
  {
    message: new AnalyzeLeadMessage(3),
    typeName: "leadgen.analyze_lead",
    fields: { leadId: 3, reanalyze: false, industryFilter: null },
    transport: "normal",
  },
  {
    message: new GenerateProposalMessage(3, 1, "redesign"),
    typeName: "leadgen.generate_proposal",
    fields: { leadId: 3, userId: 1, proposalType: "redesign", analysisId: null },
    transport: "normal",
  },
  {
    message: new GenerateOfferMessage(3, 1),
    typeName: "leadgen.generate_offer",
    fields: { leadId: 3, userId: 1, proposalId: null },
    transport: "normal",
  },
  {
    message: new SyncAresDataMessage(["25610341", "04712391"]),
    typeName: "leadgen.sync_ares_data",
    fields: { icos: ["25610341", "04712391"] },
    transport: "normal",
  },
  {
    message: new DiscoverLeadsMessage("firmy_cz", "restaurace Praha"),
    typeName: "leadgen.discover_leads",
    fields: { source: "firmy_cz", query: "restaurace Praha", limit: 10 },
    transport: "low_priority",
  },
  {
    message: new TakeScreenshotMessage(3, "https://example.cz/"),
    typeName: "leadgen.take_screenshot",
    fields: { leadId: 3, url: "https://example.cz/" },
    transport: "low_priority",
  },
  {
    message: new CalculateBenchmarksMessage(),
    typeName: "leadgen.calculate_benchmarks",
    fields: { period: "week", industry: null },
    transport: "low_priority",
  },
  {
    message: new ExpireProposalsMessage(),
    typeName: "leadgen.expire_proposals",
    fields: {},
    transport: "low_priority",
  },
  {
    message: new CheckSslCertificatesMessage(),
    typeName: "leadgen.check_ssl_certificates",
    fields: { warnDays: 14 },
    transport: "low_priority",
  },
  {
    message: new CleanUpOldDataMessage(),
    typeName: "leadgen.clean_up_old_data",
    fields: { retentionDays: 180 },
    transport: "low_priority",
  },
];

describe.each(cases)("$typeName", ({ message, typeName, fields, transport }) => {
  let unit: UnitApp;
  beforeAll(async () => {
    unit = await createUnitApp();
  });
  afterAll(async () => {
    await unit.close();
  });

  it("has a stable type name and the documented fields", () => {
    expect(messageTypes.typeNameOf(message.constructor as never)).toBe(typeName);
    expect({ ...message }).toEqual(fields);
  });

  it("survives the JSON serializer: same class, same fields, type name in the header", () => {
    const serializer = new JsonSerializer();
    const encoded = serializer.encode(Envelope.wrap(message));
    expect(encoded.headers.type).toBe(typeName);
    const decoded = serializer.decode(encoded).message;
    expect(decoded).toBeInstanceOf(message.constructor);
    expect(decoded).toEqual(message);
  });

  it(`is routed to ${transport}, as in the seed's routing table`, async () => {
    expect((ROUTING as Record<string, string>)[typeName]).toBe(transport);
    await unit.app.bus.dispatch(message);
    expect(unit.sent(transport)).toEqual([message]);
    for (const other of ["high_priority", "normal", "low_priority", "failed"].filter(
      (t) => t !== transport,
    )) {
      expect(unit.sent(other)).toEqual([]);
    }
  });
});

it("the routing table names every message type of the application and nothing else", () => {
  const leadgenTypes = messageTypes.typeNames().filter((name) => name.startsWith("leadgen."));
  expect(Object.keys(ROUTING).sort()).toEqual(leadgenTypes.sort());
});
