import { afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../src/index.js";
import { DashboardApp, Job } from "./support/dashboard-server.js";

describe("createDashboard", () => {
  let app: DashboardApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("refuses to be created without authorize, token or localOnly", () => {
    app = new DashboardApp("memory");
    expect(() => createDashboard({ messenger: app!.messenger })).toThrow(
      expect.objectContaining({ code: "DASHBOARD_NOT_SECURED" }),
    );
  });

  it("shows each transport with its count on the overview", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true, basePath: "/dashboard" });
    await app.messenger.bus.dispatch(new Job(1));
    await app.park(new Job(2));
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(/data-transport="async"[\s\S]*?data-testid="count">1</);
    expect(page).toMatch(/data-transport="failed"[\s\S]*?data-testid="count">1</);
  });
});
