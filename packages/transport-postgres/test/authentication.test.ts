import { Envelope, TransportAuthenticationError } from "@messenger-ts/core";
import { findPostgresBinaries, freePort, PrivatePostgresCluster } from "@messenger-ts/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresTransportFactory } from "../src/index.js";
import { factoryContext, Job } from "./support/postgres.js";

// The shared test server trusts every login, so it cannot refuse a wrong password: a cluster of
// this file's own asks every login for it.
const bin = findPostgresBinaries();
const cluster = bin
  ? new PrivatePostgresCluster(await freePort(), bin, { password: "right-password" })
  : undefined;
cluster?.start();

if (!bin) {
  // As requireService does: loud locally, a failure in CI, where the binaries are expected.
  const why = "no PostgreSQL server binaries (initdb, pg_ctl)";
  if (process.env.CI === "true") throw new Error(`cannot run the password tests: ${why}`);
  console.warn(`skipping the password tests: ${why}`);
}

afterAll(() => {
  cluster?.destroy();
});

describe.skipIf(!cluster)("PostgreSQL transport against a server that checks passwords", () => {
  const build = (password: string) =>
    new PostgresTransportFactory().createTransport(
      `postgres://postgres:${password}@127.0.0.1:${cluster!.port}/postgres?schema=mt_auth`,
      {},
      factoryContext(),
    );

  it("a wrong password (28P01) is a TransportAuthenticationError from setup(), get() and send(), without the password", async () => {
    const transport = build("wrong-s3cret");
    const noSetup = new PostgresTransportFactory().createTransport(
      `postgres://postgres:wrong-s3cret@127.0.0.1:${cluster!.port}/postgres?schema=mt_auth&auto_setup=false`,
      {},
      factoryContext(),
    );
    const failure = (pending: Promise<unknown>) =>
      pending.then(
        () => new Error("expected a refused login"),
        (e: unknown) => e as Error,
      );
    const failures = await Promise.all([
      failure(transport.setup()),
      failure(noSetup.get()),
      failure(noSetup.send(Envelope.wrap(new Job(1)))),
    ]);
    for (const error of failures) {
      expect(error).toBeInstanceOf(TransportAuthenticationError);
      expect((error.cause as { code?: string }).code).toBe("28P01");
      expect(error.message).toContain(`127.0.0.1:${cluster!.port}/postgres`);
      expect(error.message).toContain('user "postgres"');
      expect(error.message).not.toContain("wrong-s3cret");
    }
    await Promise.all([transport.close(), noSetup.close()]);
  });

  it("the right password works", async () => {
    const transport = build("right-password");
    await transport.send(Envelope.wrap(new Job(1)));
    expect((await transport.get()).map((e) => e.message)).toEqual([new Job(1)]);
    await transport.close();
  });
});
