import { describe, expect, it } from 'vitest';
import { InvalidMessageError, MappingError, TransportError } from '../../../connector/errors.ts';
import { decideOutcome, retryDelayMs } from '../../../connector/pipeline/outcome.ts';

class FakeAgencyError extends Error {
  override readonly name = 'AgencyError';
  readonly kind: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly agencyMessage: string | null = null;
  constructor(kind: string, status: number | null, retryAfterMs: number | null = null) {
    super(`agency ${kind}`);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

const ctx = { attempt: 1, maxAttempts: 5, retryDelaysMs: [1000, 5000, 30000] };

describe('decideOutcome', () => {
  it.each([
    [
      'invalid message',
      new InvalidMessageError('bad', [{ path: 'data.amount', message: 'x' }]),
      'dead-letter',
      'invalid_message',
    ],
    [
      'mapping failure',
      new MappingError('missing field', 'mappings/generic/x.yaml'),
      'dead-letter',
      'mapping_failed',
    ],
    ['agency 400', new FakeAgencyError('permanent', 400), 'dead-letter', 'agency_rejected'],
    ['agency 404', new FakeAgencyError('not_found', 404), 'dead-letter', 'agency_rejected'],
    [
      'agency 409 on an action',
      new FakeAgencyError('conflict', 409),
      'dead-letter',
      'agency_rejected',
    ],
    ['not sent', new FakeAgencyError('not_sent', null), 'retry', 'not_sent'],
    ['429', new FakeAgencyError('refused', 429, 7000), 'retry', 'refused'],
    ['circuit open', new FakeAgencyError('circuit_open', null), 'retry', 'circuit_open'],
    ['401', new FakeAgencyError('auth', 401), 'retry', 'auth'],
    ['ambiguous 502', new FakeAgencyError('ambiguous', 502), 'retry', 'ambiguous'],
    ['store down', new TransportError('store unreachable'), 'requeue', 'transport'],
    ['cancelled by shutdown', new FakeAgencyError('aborted', null), 'requeue', 'aborted'],
    ['a bug', new TypeError('x is undefined'), 'requeue', 'unexpected'],
  ])('%s → %s', (_name, err, kind, reason) => {
    const outcome = decideOutcome(err, ctx);
    expect(outcome.kind).toBe(kind);
    expect(outcome.reason).toBe(reason);
  });

  it('marks ambiguous failures unknown, others not', () => {
    expect(decideOutcome(new FakeAgencyError('ambiguous', 500), ctx)).toMatchObject({
      unknown: true,
    });
    expect(decideOutcome(new FakeAgencyError('not_sent', null), ctx)).toMatchObject({
      unknown: false,
    });
  });

  it('waits at least Retry-After', () => {
    const outcome = decideOutcome(new FakeAgencyError('refused', 429, 45_000), ctx);
    expect(outcome).toMatchObject({ kind: 'retry', delayMs: 45_000 });
  });

  it('dead-letters transient failures once attempts run out', () => {
    const outcome = decideOutcome(new FakeAgencyError('not_sent', null), { ...ctx, attempt: 5 });
    expect(outcome).toMatchObject({ kind: 'dead-letter', reason: 'retries_exhausted' });
  });

  it('sends an unsettled reconcile to manual review after maxReconcileAttempts rounds', () => {
    const pending = Object.assign(new FakeAgencyError('ambiguous', null, 2000), {
      reconcilePending: true,
    });
    const limits = { ...ctx, maxReconcileAttempts: 3 };
    expect(decideOutcome(pending, { ...limits, reconcileRound: 2 })).toMatchObject({
      kind: 'retry',
      unknown: true,
      reconcile: true,
    });
    expect(decideOutcome(pending, { ...limits, reconcileRound: 3 })).toMatchObject({
      kind: 'dead-letter',
      reason: 'reconcile_exhausted',
    });
    // an ordinary ambiguous answer is no reconcile round, whatever the header says
    expect(
      decideOutcome(new FakeAgencyError('ambiguous', 502), { ...limits, reconcileRound: 0 }),
    ).toMatchObject({ kind: 'retry', reconcile: false });
  });

  it('picks the delay of the attempt, repeating the last', () => {
    expect([1, 2, 3, 4, 9].map((a) => retryDelayMs(a, [1, 2, 3]))).toEqual([1, 2, 3, 3, 3]);
  });
});
