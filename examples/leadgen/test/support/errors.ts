import {
  Envelope,
  HandlerFailedError,
  MultiplierRetryStrategy,
  RETRYABLE,
  retryableOf,
} from "@messenger-ts/core";
import { decideRetry } from "@messenger-ts/core/worker";
import { expect } from "vitest";
import { PermanentFailureError, TransientFailureError } from "../../src/index.js";

const strategy = new MultiplierRetryStrategy({ maxRetries: 3, delay: 1000, multiplier: 2, jitter: 0 });

/** What the worker's retry listener decides for a handler that threw `error`. */
function retryDecision(error: Error) {
  const envelope = Envelope.wrap({});
  return decideRetry(new HandlerFailedError(envelope, new Map([["handler", error]])), envelope, strategy);
}

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
  expect(error).toBeInstanceOf(PermanentFailureError);
  expect(error).toMatchObject({ code, retryable: false, [RETRYABLE]: false });
  expect(retryDecision(error as Error)).toEqual({ retry: false, reason: "unrecoverable" });
  if (text !== undefined) expect((error as Error).message).toContain(text);
}

/** The handler failed in a way a retry may fix: the error reaches the retry strategy as it is. */
export async function expectTransient(work: Promise<unknown>, code: string): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransientFailureError);
  expect(error).toMatchObject({ code, retryable: true });
  expect(retryableOf(error)).toBeUndefined();
  expect(retryDecision(error as Error)).toMatchObject({ retry: true, reason: "strategy" });
}
