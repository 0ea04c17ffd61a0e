/**
 * One attempt of one agency call: circuit check, a place in the shared limiter, the HTTP exchange,
 * classification into a result or an AgencyError, and the side effects every attempt has (circuit
 * bookkeeping, 429 pause, metrics hook, evidence for the caller, a debug log line).
 */
import type { CircuitBreaker, CircuitResult, CircuitTicket } from './circuit.ts';
import { classifyStatus, isCircuitFailure } from './classify.ts';
import { AgencyError, AgencyTransportCause, scrubText, type AgencyErrorKind } from './errors.ts';
import { sendNodeHttp } from './node-http.ts';
import { HttpFailure, sendHttp, type HttpAnswer, type HttpCall, type HttpDeps } from './http.ts';
import type { AgencyLimiter, CallPriority } from './limiter.ts';
import type { AgencyLogger, AgencyRequestEvent, CallOptions } from './options.ts';
import { readErrorBody, ResponseShapeError } from './read-responses.ts';
import { parseRetryAfterMs } from './retry-after.ts';

export interface CallSpec<T> extends HttpCall {
  /** Path without query, for metrics and logs. */
  endpoint: string;
  idempotent: boolean;
  priority: CallPriority;
  read(json: unknown): T;
  /** Turns a failure into a success (409 on create → already exists). */
  recover?(kind: AgencyErrorKind): T | undefined;
}

export interface CallRunnerDeps {
  http: HttpDeps;
  limiter: AgencyLimiter;
  circuit: CircuitBreaker;
  logger: AgencyLogger;
  now: () => number;
  secrets: () => readonly string[];
  retry: { minDelayMs: number; maxRetryAfterMs: number };
  onRequest?: (e: AgencyRequestEvent) => void;
}

const FIELD_ERRORS_MAX = 50;

export function createCallRunner(deps: CallRunnerDeps) {
  function report(
    spec: CallSpec<unknown>,
    o: CallOptions,
    status: number | null,
    startMs: number,
    outcome: string,
    summary: string,
  ) {
    const durationMs = Math.max(0, deps.now() - startMs);
    const event = { endpoint: spec.endpoint, method: spec.method, status, durationMs, outcome };
    deps.logger.debug(event, 'agency call');
    safely(() => deps.onRequest?.(event));
    if (outcome !== 'circuit_open') {
      const at = new Date(deps.now()).toISOString();
      safely(() => o.onAnswer?.({ at, method: spec.method, path: spec.path, status, summary }));
    }
  }

  function safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      deps.logger.warn(
        { err: new AgencyTransportCause(err, deps.secrets()) },
        'agency client hook threw',
      );
    }
  }

  function fail(
    spec: CallSpec<unknown>,
    init: Omit<ConstructorParameters<typeof AgencyError>[0], 'method' | 'path'>,
  ) {
    return new AgencyError({ ...init, method: spec.method, path: spec.path });
  }

  /** Classifies a received answer; returns the value or throws AgencyError. Pure apart from pause/circuit. */
  function settle<T>(
    spec: CallSpec<T>,
    answer: HttpAnswer,
  ): { value: T; circuit: CircuitResult; outcome: string } {
    const { status } = answer;
    const retryAfterMs = parseRetryAfterMs(answer.retryAfter, deps.now());
    const kind = classifyStatus(status, retryAfterMs !== null);
    if (kind === null) {
      if (answer.bodyProblem !== null) {
        throw fail(spec, { kind: 'ambiguous', status, detail: answer.bodyProblem });
      }
      try {
        return { value: spec.read(answer.json), circuit: 'success', outcome: 'ok' };
      } catch (err) {
        if (!(err instanceof ResponseShapeError)) throw err;
        // A 2xx to a write means it was done; an unreadable answer cannot say what, so reconcile.
        const shapeKind = spec.method === 'POST' ? 'ambiguous' : 'permanent';
        throw fail(spec, {
          kind: shapeKind,
          status,
          detail: scrubText(err.message, deps.secrets()),
        });
      }
    }
    const recovered = spec.recover?.(kind);
    if (recovered !== undefined)
      return { value: recovered, circuit: 'success', outcome: 'already_exists' };
    const body = readErrorBody(answer.json);
    // The agency may quote what we sent (names, personal ids, addresses) in its error texts;
    // those texts reach logs, dead letters and the ERP, so our own request values are cut out.
    const secrets = [...deps.secrets(), ...requestValues(spec.body)];
    throw fail(spec, {
      kind,
      status,
      retryAfterMs: kind === 'refused' ? retryAfterMs : null,
      agencyMessage: body.message === null ? null : scrubText(body.message, secrets),
      fieldErrors: body.errors.slice(0, FIELD_ERRORS_MAX).map((e) => ({
        field: scrubText(e.field, secrets, 200),
        message: scrubText(e.message, secrets, 300),
      })),
      detail: answer.bodyProblem,
    });
  }

  function afterRefusal(error: AgencyError): void {
    const waitMs = error.retryAfterMs ?? deps.retry.minDelayMs;
    if (error.retryAfterMs !== null && error.retryAfterMs > deps.retry.maxRetryAfterMs) {
      deps.circuit.openUntil(
        deps.now() + error.retryAfterMs,
        `Retry-After ${error.retryAfterMs} ms over the cap`,
      );
      return;
    }
    deps.limiter.pauseFor(waitMs);
  }

  async function sendOnce<T>(spec: CallSpec<T>, o: CallOptions, ticket: CircuitTicket): Promise<T> {
    const startMs = deps.now();
    let answer: HttpAnswer;
    try {
      answer = await (deps.http.fetch ? sendHttp : sendNodeHttp)(deps.http, spec, o.signal);
    } catch (err) {
      if (!(err instanceof HttpFailure)) {
        deps.circuit.record('neutral', ticket);
        throw err;
      }
      const secrets = deps.secrets();
      const error = fail(spec, {
        kind: err.kind,
        detail: err.message,
        cause: err.cause === undefined ? undefined : new AgencyTransportCause(err.cause, secrets),
      });
      deps.circuit.record(
        err.kind === 'aborted'
          ? 'neutral'
          : isCircuitFailure(err.kind, null)
            ? 'failure'
            : 'neutral',
        ticket,
      );
      report(spec, o, null, startMs, err.kind, `${err.kind}: ${err.message}`);
      throw error;
    }
    try {
      const settled = settle(spec, answer);
      deps.circuit.record(settled.circuit, ticket);
      report(
        spec,
        o,
        answer.status,
        startMs,
        settled.outcome,
        settled.outcome === 'ok' ? 'ok' : 'already exists',
      );
      return settled.value;
    } catch (err) {
      if (!(err instanceof AgencyError)) {
        deps.circuit.record('neutral', ticket);
        throw err;
      }
      const result: CircuitResult = isCircuitFailure(err.kind, err.status)
        ? 'failure'
        : err.kind === 'refused'
          ? 'neutral'
          : 'success';
      deps.circuit.record(result, ticket);
      if (err.kind === 'refused') afterRefusal(err);
      const summary = err.agencyMessage ? `${err.kind}: ${err.agencyMessage}` : err.kind;
      report(spec, o, err.status, startMs, err.kind, summary);
      throw err;
    }
  }

  function circuitOpenError(spec: CallSpec<unknown>): AgencyError {
    const untilMs = deps.circuit.openUntilMs();
    return fail(spec, {
      kind: 'circuit_open',
      retryAfterMs: untilMs === null ? null : Math.max(0, untilMs - deps.now()),
      detail: 'not sent: circuit open',
    });
  }

  /** One attempt through circuit and limiter. Always rejects with an AgencyError. */
  async function attempt<T>(spec: CallSpec<T>, o: CallOptions): Promise<T> {
    const circuitState = deps.circuit.state();
    if (circuitState === 'open') {
      report(spec, o, null, deps.now(), 'circuit_open', 'circuit_open');
      throw circuitOpenError(spec);
    }
    return deps.limiter.schedule(
      spec.priority,
      () => {
        const ticket = deps.circuit.acquire();
        if (ticket === 'reject') {
          report(spec, o, null, deps.now(), 'circuit_open', 'circuit_open');
          return Promise.reject(circuitOpenError(spec));
        }
        return sendOnce(spec, o, ticket);
      },
      o.signal,
    );
  }

  return { attempt };
}

/**
 * The string values of a request body long enough to identify something (4+ characters),
 * longest first so a value containing a shorter one is removed whole. Bounded walk.
 */
export function requestValues(body: unknown): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (out.size >= 2_000 || depth > 12) return;
    if (typeof value === 'string') {
      if (value.trim().length >= 4) out.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) walk(item, depth + 1);
    }
  };
  walk(body, 0);
  return [...out].sort((a, b) => b.length - a.length);
}
