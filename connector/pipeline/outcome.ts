/**
 * The one place that turns an error into an outcome for an inbound message (STYLE.md: "one pure
 * function turns an error into an outcome"). Tested as a table in test/unit/pipeline/outcome.test.ts.
 *
 *   InvalidMessageError, MappingError, agency 400/404/409/4xx ........ dead-letter (+ *.rejected)
 *   agency not sent / refused (429, 503 + Retry-After) / circuit open . retry via a delay queue
 *   agency ambiguous (timeout after send, reset, 500/502/504) ......... retry, item marked UNKNOWN
 *   reconcile could not settle an earlier attempt, maxReconcileAttempts
 *   rounds in a row ................................................... dead-letter (reconcile_exhausted)
 *   agency 401/403 (credentials) ...................................... retry (and alert)
 *   call cancelled by shutdown (may have been sent) .................... requeue, item stays IN_FLIGHT
 *   transient failures past maxAttempts ............................... dead-letter (retries_exhausted)
 *   store or broker down, anything unexpected ......................... requeue (delivery limit applies)
 */
import { InvalidMessageError, MappingError, TransportError } from '../errors.ts';

export type Outcome =
  | { kind: 'dead-letter'; reason: string; detail: string; errorClass: string }
  | {
      kind: 'retry';
      delayMs: number;
      unknown: boolean;
      /** This failure was a reconcile round that could not settle an earlier attempt. */
      reconcile: boolean;
      reason: string;
      errorClass: string;
    }
  | { kind: 'requeue'; reason: string; errorClass: string };

export interface OutcomeContext {
  /** Delivery attempt that just failed, 1-based. */
  attempt: number;
  maxAttempts: number;
  retryDelaysMs: readonly number[];
  /** The round this failure would be if it is an unsettled reconcile (used only then). */
  reconcileRound?: number;
  /** Rounds after which an unsettled earlier attempt goes to manual review (`pipeline.maxReconcileAttempts`). */
  maxReconcileAttempts?: number;
}

interface AgencyErrorLike {
  name: string;
  kind: string;
  status: number | null;
  retryAfterMs: number | null;
  agencyMessage: string | null;
  fieldErrors?: { field: string; message: string }[];
  message: string;
}

/** An error raised when reconciling found the earlier attempt neither applied nor settled yet. */
export function isReconcilePending(err: unknown): boolean {
  return isAgencyError(err) && (err as { reconcilePending?: unknown }).reconcilePending === true;
}

export function isAgencyError(err: unknown): err is AgencyErrorLike {
  return (
    err instanceof Error &&
    err.name === 'AgencyError' &&
    typeof (err as unknown as { kind?: unknown }).kind === 'string'
  );
}

export function retryDelayMs(attempt: number, delays: readonly number[]): number {
  const index = Math.min(Math.max(attempt - 1, 0), delays.length - 1);
  return delays[index] ?? 1000;
}

function describeAgency(err: AgencyErrorLike): string {
  const status = err.status === null ? '' : `${err.status} `;
  const fields = (err.fieldErrors ?? []).map((f) => `${f.field}: ${f.message}`).join('; ');
  return `${status}${err.agencyMessage ?? err.message}${fields ? ` (${fields})` : ''}`;
}

export function decideOutcome(err: unknown, ctx: OutcomeContext): Outcome {
  if (err instanceof InvalidMessageError) {
    const fields = err.issues.map((i) => `${i.path || '(message)'}: ${i.message}`).join('; ');
    const first = err.issues[0];
    const included = !first || (first.path !== '' && err.message.includes(first.path));
    return {
      kind: 'dead-letter',
      reason: 'invalid_message',
      detail: included ? err.message : `${err.message}: ${fields}`,
      errorClass: err.name,
    };
  }
  if (err instanceof MappingError) {
    const fields = err.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return {
      kind: 'dead-letter',
      reason: 'mapping_failed',
      detail: `${err.file}: ${err.message}${fields ? `: ${fields}` : ''}`,
      errorClass: err.name,
    };
  }
  if (isAgencyError(err)) {
    const reconcile = isReconcilePending(err);
    const round = ctx.reconcileRound ?? 0;
    if (reconcile && ctx.maxReconcileAttempts !== undefined && round >= ctx.maxReconcileAttempts) {
      return {
        kind: 'dead-letter',
        reason: 'reconcile_exhausted',
        detail: `${round} reconcile rounds could not settle the earlier attempt: ${err.message}`,
        errorClass: err.name,
      };
    }
    const transient = (unknown: boolean): Outcome => {
      if (ctx.attempt >= ctx.maxAttempts) {
        return {
          kind: 'dead-letter',
          reason: 'retries_exhausted',
          detail: `${ctx.attempt} attempts; last: ${err.kind} ${describeAgency(err)}`,
          errorClass: err.name,
        };
      }
      const base = retryDelayMs(ctx.attempt, ctx.retryDelaysMs);
      return {
        kind: 'retry',
        delayMs: Math.max(base, err.retryAfterMs ?? 0),
        unknown,
        reconcile,
        reason: err.kind,
        errorClass: err.name,
      };
    };
    switch (err.kind) {
      case 'not_sent':
      case 'refused':
      case 'circuit_open':
      case 'auth':
        return transient(false);
      case 'aborted':
        // Shutdown cancelled the call, which may have reached the agency: leave the work item
        // as it is (IN_FLIGHT) and let the broker redeliver; the next attempt reconciles.
        return { kind: 'requeue', reason: 'aborted', errorClass: err.name };
      case 'ambiguous':
        return transient(true);
      default:
        return {
          kind: 'dead-letter',
          reason: 'agency_rejected',
          detail: `${err.kind}: ${describeAgency(err)}`,
          errorClass: err.name,
        };
    }
  }
  if (err instanceof TransportError) {
    return { kind: 'requeue', reason: 'transport', errorClass: err.name };
  }
  return {
    kind: 'requeue',
    reason: 'unexpected',
    errorClass: err instanceof Error ? err.name : typeof err,
  };
}
