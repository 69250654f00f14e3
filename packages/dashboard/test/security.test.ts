import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { csrfOf, DashboardApp, Job, post } from "./support/dashboard-server.js";

const TOKEN = "t0ken-for-the-dashboard-tests";

describe("dashboard security", () => {
  let app: DashboardApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("answers 401 without the token, and serves with the Bearer header", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ token: TOKEN });
    const refused = await fetch(`${base}/`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe("Bearer");
    expect(await refused.text()).not.toContain("transport-row");
    expect((await fetch(`${base}/`, { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
    const allowed = await fetch(`${base}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('data-testid="transport-row"');
  });

  it("takes ?token= once and then its cookie, which holds no token", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ token: TOKEN, basePath: "/dashboard" });
    const first = await fetch(`${base}/failed?max=5&token=${TOKEN}`, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/dashboard/failed?max=5");
    const cookie = first.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^messenger_dashboard=\w+; Path=\/dashboard; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    const next = await fetch(`${base}/failed`, { headers: { cookie: cookie.split(";")[0]! } });
    expect(next.status).toBe(200);
    expect(
      (await fetch(`${base}/failed`, { headers: { cookie: "messenger_dashboard=forged" } })).status,
    ).toBe(401);
  });

  // The machine's own non-loopback address: a request from it is not local.
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === "IPv4" && !address.internal)?.address;

  it.skipIf(outside === undefined)(
    "with localOnly, refuses a request from a non-loopback address (403)",
    async () => {
      app = new DashboardApp("memory");
      const base = await app.start({ localOnly: true }, outside);
      const refused = await fetch(`${base}/`);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toBe("The dashboard is for local use only.\n");
    },
  );

  it("answers 401 when the authorize hook says no", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ authorize: (request) => request.headers["x-operator"] === "yes" });
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/`, { headers: { "x-operator": "yes" } })).status).toBe(200);
  });

  it("refuses a POST without the page's CSRF token (403), and does nothing", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true });
    const id = await app.park(new Job(1));
    const page = await (await fetch(`${base}/failed`)).text();
    expect((await post(`${base}/failed/failed/${id}/remove`, {})).status).toBe(403);
    expect((await post(`${base}/failed/failed/${id}/remove`, { _csrf: "guessed" })).status).toBe(403);
    expect((await post(`${base}/failed/failed/remove`, { all: "1" })).status).toBe(403);
    expect(await app.findFailed(id)).toBeDefined();
    const accepted = await post(`${base}/failed/failed/${id}/remove`, { _csrf: csrfOf(page) });
    expect(accepted.status).toBe(303);
    expect(await app.findFailed(id)).toBeUndefined();
  });

  it("escapes every value: a hostile body, class filter and error show as text", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true });
    const id = await app.park(new Job(1, "<script>alert('body')</script>"), '<img src=x onerror="alert(1)">');
    const detail = await (await fetch(`${base}/failed/failed/${id}`)).text();
    expect(detail).not.toContain("<script>");
    expect(detail).not.toContain("<img");
    expect(detail).toContain("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;");
    expect(detail).toMatch(/data-testid="error-message">&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;</);
    const list = await fetch(`${base}/failed?class=${encodeURIComponent('"><script>x</script>')}`);
    const listText = await list.text();
    expect(listText).not.toContain("<script>");
    expect(listText).toContain("&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(list.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("never shows a DSN's password", async () => {
    app = new DashboardApp("memory", { secret: "in-memory://operator:pa55word@localhost" });
    const base = await app.start({ localOnly: true });
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('data-transport="secret"');
    expect(page).not.toContain("pa55word");
    expect(page).toContain("operator:***@localhost");
  });

  it("in read-only mode offers no action and refuses their POSTs (403)", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true, readOnly: true });
    const id = await app.park(new Job(1));
    const list = await (await fetch(`${base}/failed`)).text();
    expect(list).toContain('data-testid="failed-row"');
    expect(list).not.toContain("retry-button");
    expect(list).not.toContain("remove-button");
    expect(list).not.toContain('name="_csrf"');
    const detail = await (await fetch(`${base}/failed/failed/${id}`)).text();
    expect(detail).not.toContain("retry-button");
    expect((await post(`${base}/failed/failed/${id}/retry`, {})).status).toBe(403);
    expect((await post(`${base}/failed/failed/${id}/remove`, {})).status).toBe(403);
    expect(await app.findFailed(id)).toBeDefined();
    expect(app.handled).toEqual([]);
  });
});
