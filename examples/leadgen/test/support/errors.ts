import { UnrecoverableMessageHandlingError } from "@messenger-ts/core";
import { expect } from "vitest";
import { PermanentFailureError, TransientFailureError } from "../../src/index.js";

/** The handler refused the message for good: no retries, straight to `failed`. */
export async function expectUnrecoverable(
  work: Promise<unknown>,
  code: string,
  text?: string,
): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnrecoverableMessageHandlingError);
  const cause = (error as Error).cause;
  expect(cause).toBeInstanceOf(PermanentFailureError);
  expect(cause).toMatchObject({ code, retryable: false });
  expect((error as Error).message).toContain(`[${code}]`);
  if (text !== undefined) expect((error as Error).message).toContain(text);
}

/** The handler failed in a way a retry may fix: the error reaches the retry strategy as it is. */
export async function expectTransient(work: Promise<unknown>, code: string): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransientFailureError);
  expect(error).not.toBeInstanceOf(UnrecoverableMessageHandlingError);
  expect(error).toMatchObject({ code, retryable: true });
}
