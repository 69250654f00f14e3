import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DomainStore, PostgresDomainStore, SqliteDomainStore } from "../../src/index.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const schema = schemaFor("store");

const backends: { name: string; up: boolean; open: () => DomainStore }[] = [
  { name: "SQLite", up: true, open: () => new SqliteDomainStore(":memory:") },
  {
    name: "PostgreSQL",
    up: pgUp,
    open: () => new PostgresDomainStore({ connectionString: PG_URL, schema }),
  },
];

afterAll(async () => {
  if (pgUp) await dropSchema(schema);
});

describe.each(backends)("the $name domain store", ({ up, open }) => {
  let store: DomainStore;
  beforeAll(async () => {
    if (!up) return;
    store = open();
    await store.setup();
  });
  beforeEach(async () => {
    if (up) await store.purge();
  });
  afterAll(async () => {
    if (up) await store.close();
  });

  const lead = async (website: string | null = "https://a.cz/", extra: Record<string, unknown> = {}) =>
    store.insertLead(
      { name: "A", website, email: "info@a.cz", industry: "cafes", source: "manual", ...extra },
      T0,
    );

  it.runIf(up)("sets up idempotently, also when two processes start at once", async () => {
    const other = open();
    try {
      await Promise.all([store.setup(), other.setup(), other.setup()]);
      expect(await store.counts()).toMatchObject({ leads: 0, users: 0 });
    } finally {
      await other.close();
    }
  });

  it.runIf(up)(
    "returns numbers and booleans, not driver strings, and starts ids at 1 after a purge",
    async () => {
      const user = await store.insertUser({ name: "Jana", email: "jana@x.cz" }, T0);
      expect(user).toEqual({ id: 1, name: "Jana", email: "jana@x.cz", createdAt: T0 });
      const created = await lead();
      expect(created).toEqual({
        id: 1,
        companyId: null,
        name: "A",
        website: "https://a.cz/",
        email: "info@a.cz",
        industry: "cafes",
        source: "manual",
        status: "new",
        score: null,
        emailSuppressed: false,
        createdAt: T0,
        updatedAt: T0,
      });
      await store.purge();
      expect((await store.insertUser({ name: "Petr", email: "p@x.cz" }, T0)).id).toBe(1);
    },
  );

  it.runIf(up)(
    "keeps a company's own data on ensureCompany and the register's on saveRegisterData",
    async () => {
      const company = await store.ensureCompany({ ico: "25610341", name: "Kavárna", industry: "cafes" }, T0);
      expect(company).toMatchObject({
        ico: "25610341",
        name: "Kavárna",
        aresStatus: "pending",
        aresSyncedAt: null,
      });
      expect((await store.ensureCompany({ ico: "25610341", name: "Other" }, T0 + 1)).name).toBe("Kavárna");
      const synced = await store.saveRegisterData(
        {
          ico: "25610341",
          name: "Kavárna s.r.o.",
          legalForm: "s.r.o.",
          address: "Husova 1, Praha",
          vatId: null,
          employees: 4,
        },
        T0 + DAY,
      );
      expect(synced).toMatchObject({
        id: company.id,
        name: "Kavárna s.r.o.",
        industry: "cafes",
        employees: 4,
        aresStatus: "synced",
        aresSyncedAt: T0 + DAY,
      });
      expect(await store.findCompany(company.id)).toEqual(synced);
    },
  );

  it.runIf(up)("inserts a lead only once per website; leads without a website are all kept", async () => {
    expect(
      await store.insertLeadIfNew({ name: "A", website: "https://a.cz/", source: "x" }, T0),
    ).toBeDefined();
    expect(
      await store.insertLeadIfNew({ name: "B", website: "https://a.cz/", source: "y" }, T0),
    ).toBeUndefined();
    await lead(null);
    await lead(null);
    expect(await store.listLeads()).toHaveLength(3);
    expect(await store.listLeads({ withWebsite: true })).toHaveLength(1);
    expect(await store.listLeads({ limit: 2 })).toHaveLength(2);
  });

  it.runIf(up)(
    "updates only the given lead fields, and suppresses an address whatever its case",
    async () => {
      const { id } = await lead();
      await store.updateLead(id, { score: 61 }, T0 + 1);
      await store.updateLead(id, { status: "analyzed" }, T0 + 2);
      expect(await store.findLead(id)).toMatchObject({ score: 61, status: "analyzed", updatedAt: T0 + 2 });
      expect(await store.suppressEmail("INFO@A.CZ", T0 + 3)).toBe(1);
      expect(await store.findLead(id)).toMatchObject({ emailSuppressed: true, status: "bounced" });
    },
  );

  it.runIf(up)(
    "stores analyses with their findings and finds them by lead, time window and industry",
    async () => {
      const { id } = await lead();
      const findings = [{ analyzer: "seo_title", score: 20, issue: "Missing <title>" }];
      const old = await store.insertAnalysis(
        { leadId: id, url: "https://a.cz/", score: 40, industry: "cafes", findings },
        T0,
      );
      const recent = await store.insertAnalysis(
        { leadId: id, url: "https://a.cz/", score: 60, industry: "cafes", findings: [] },
        T0 + DAY,
      );
      expect(await store.findAnalysis(old.id)).toEqual({ ...old, findings });
      expect((await store.latestAnalysis(id))!.id).toBe(recent.id);
      expect((await store.listAnalyses({ from: T0, to: T0 + DAY })).map((a) => a.id)).toEqual([old.id]);
      expect(await store.listAnalyses({ from: T0, to: T0 + 2 * DAY, industry: "bakeries" })).toEqual([]);
    },
  );

  it.runIf(up)("expires proposals, prices offers and finds e-mails by SES id", async () => {
    const { id: leadId } = await lead();
    const user = await store.insertUser({ name: "Jana", email: "jana@x.cz" }, T0);
    const analysis = await store.insertAnalysis(
      { leadId, url: "https://a.cz/", score: 50, industry: null, findings: [] },
      T0,
    );
    const proposal = await store.insertProposal(
      {
        leadId,
        userId: user.id,
        analysisId: analysis.id,
        type: "seo",
        title: "T",
        content: "C",
        expiresAt: T0 + DAY,
      },
      T0,
    );
    expect(await store.expireProposals(T0 + DAY - 1)).toBe(0);
    expect(await store.expireProposals(T0 + DAY)).toBe(1);
    expect(await store.findProposal(proposal.id)).toMatchObject({ status: "expired" });
    const offer = await store.insertOffer(
      {
        leadId,
        userId: user.id,
        proposalId: proposal.id,
        items: [
          { description: "SEO", priceCzk: 35_000 },
          { description: "Fix", priceCzk: 4_500 },
        ],
        coverLetter: "Dear",
        validUntil: T0 + 30 * DAY,
      },
      T0,
    );
    expect(offer).toMatchObject({ totalCzk: 39_500, status: "draft", sentAt: null });
    await store.markOfferSent(offer.id, T0 + 5);
    expect(await store.findOffer(offer.id)).toMatchObject({ status: "sent", sentAt: T0 + 5 });
    const email = await store.insertEmail(
      {
        offerId: offer.id,
        userId: user.id,
        recipient: "info@a.cz",
        subject: "S",
        body: "B",
        providerMessageId: "0100x",
      },
      T0,
    );
    await store.updateEmailStatus(email.id, "delivered", "250 OK", T0 + 9);
    expect(await store.findEmailByProviderId("0100x")).toMatchObject({
      id: email.id,
      status: "delivered",
      updatedAt: T0 + 9,
    });
    expect((await store.findEmailByOffer(offer.id))!.id).toBe(email.id);
    await expect(
      store.insertEmail(
        {
          offerId: offer.id,
          userId: user.id,
          recipient: "x",
          subject: "S",
          body: "B",
          providerMessageId: "0100x",
        },
        T0,
      ),
    ).rejects.toThrow();
  });

  it.runIf(up)("replaces a benchmark of the same industry and period", async () => {
    const base = {
      industry: "cafes",
      period: "week" as const,
      periodKey: "2024-W01",
      periodStart: T0,
      periodEnd: T0 + 7 * DAY,
      leadsAnalyzed: 2,
      averageScore: 50.5,
      medianScore: 50.5,
      p90Score: 58.1,
    };
    const first = await store.saveBenchmark(base, T0);
    const second = await store.saveBenchmark({ ...base, leadsAnalyzed: 3, averageScore: null }, T0 + 1);
    expect(second).toMatchObject({
      id: first.id,
      leadsAnalyzed: 3,
      averageScore: null,
      p90Score: 58.1,
      calculatedAt: T0 + 1,
    });
    expect(await store.listBenchmarks()).toHaveLength(1);
    expect(await store.listBenchmarks("2024-W02")).toEqual([]);
  });

  it.runIf(up)("deletes screenshots, checks and expired proposals older than the cutoff", async () => {
    const { id: leadId } = await lead();
    const shot = { leadId, url: "https://a.cz/", width: 1, height: 1, image: "<svg/>", sha256: "x" };
    await store.insertScreenshot(shot, T0);
    await store.insertScreenshot(shot, T0 + 10 * DAY);
    await store.insertCertificateCheck({ leadId, host: "a.cz", status: "valid", validUntil: T0 + DAY }, T0);
    expect(await store.deleteOlderThan(T0 + DAY)).toEqual({
      screenshots: 1,
      certificateChecks: 1,
      expiredProposals: 0,
    });
    expect(await store.listScreenshots(leadId)).toHaveLength(1);
    expect(await store.listCertificateChecks(leadId)).toEqual([]);
  });

  it.runIf(up)("counts down an outage one failing call at a time, even for concurrent callers", async () => {
    await store.setOutage("ares", 3);
    expect(await store.outages()).toEqual({ ares: 3 });
    const taken = await Promise.all(Array.from({ length: 8 }, () => store.takeOutage("ares")));
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect(await store.outages()).toEqual({});
    await store.setOutage("ses", 2);
    await store.setOutage("ses", 0);
    expect(await store.takeOutage("ses")).toBe(false);
  });

  it.runIf(up)("counts the rows of every table", async () => {
    await lead();
    expect(await store.counts()).toEqual({
      certificate_checks: 0,
      screenshots: 0,
      emails: 0,
      offers: 0,
      proposals: 0,
      analyses: 0,
      benchmarks: 0,
      leads: 1,
      companies: 0,
      users: 0,
      outages: 0,
    });
  });
});

describe("the PostgreSQL domain store's description", () => {
  it("names the database without the password", () => {
    const store = new PostgresDomainStore({
      connectionString: "postgres://app:s3cret@db.example:6543/leads",
      schema: "crm",
    });
    try {
      expect(store.description).toBe("PostgreSQL db.example:6543/leads schema crm");
    } finally {
      void store.close();
    }
  });
});
