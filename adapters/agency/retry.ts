/**
 * The client's retry loop on p-retry 9 (RELIABILITY.md §3.3): only `not_sent` and `refused`
 * failures are retried, plus `ambiguous` ones for idempotent calls; everything else leaves through
 * p-retry's AbortError at once. p-retry's own delay is off (`minTimeout: 0`); the wait is ours, in
 * `onFailedAttempt`: max(Retry-After, full-jitter backoff), on the injectable sleep. A Retry-After
 * beyond `maxRetryAfterMs` stops retrying (the attempt has already opened the circuit until then).
 */
import pRetry, { AbortError } from 'p-retry';
import { fullJitterDelayMs } from './backoff.ts';
import { isRetriedInClient } from './classify.ts';
import { AgencyError } from './errors.ts';

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export interface RetryContext {
  policy: RetryPolicy;
  idempotent: boolean;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborts the waits between attempts (caller's signal and the client's close). */
  signal: AbortSignal;
  /** Told before each wait. */
  onRetry?: (e: { error: AgencyError; retryNumber: number; delayMs: number }) => void;
  /** Builds the error for an aborted wait. */
  abortedError: () => AgencyError;
}

/** Delay before retry number `retriesConsumed + 1`: max(Retry-After, full jitter). */
export function retryDelayMs(
  error: AgencyError,
  retriesConsumed: number,
  policy: RetryPolicy,
  random: () => number,
) {
  return Math.max(error.retryAfterMs ?? 0, fullJitterDelayMs(retriesConsumed, policy, random));
}

export async function withRetries<T>(attempt: () => Promise<T>, ctx: RetryContext): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof AgencyError))
          throw new AbortError(err instanceof Error ? err : String(err));
        if (!isRetriedInClient(err.kind, ctx.idempotent)) throw new AbortError(err);
        if (err.retryAfterMs !== null && err.retryAfterMs > ctx.policy.maxRetryAfterMs)
          throw new AbortError(err);
        throw err;
      }
    },
    {
      retries: ctx.policy.retries,
      minTimeout: 0,
      randomize: false,
      onFailedAttempt: async ({ error, retriesLeft, retriesConsumed }) => {
        if (retriesLeft <= 0 || !(error instanceof AgencyError)) return;
        const delayMs = retryDelayMs(error, retriesConsumed, ctx.policy, ctx.random);
        ctx.onRetry?.({ error, retryNumber: retriesConsumed + 1, delayMs });
        try {
          ctx.signal.throwIfAborted();
          await ctx.sleep(delayMs, ctx.signal);
        } catch {
          throw ctx.abortedError();
        }
      },
    },
  );
}
