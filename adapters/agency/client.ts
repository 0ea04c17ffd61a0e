/**
 * createAgencyClient: the agency's partner API behind one object per agency key. Every call goes
 * through the same circuit breaker and rate limiter, is retried per README.md ("Retries"), and
 * ends in a value or an AgencyError whose kind tells the pipeline what to do.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createCallRunner, type CallSpec } from './call.ts';
import { createCircuitBreaker } from './circuit.ts';
import {
  createActionsSpec,
  createInvoiceSpec,
  getCaseSpec,
  getDistributionSpec,
  getPaymentsSpec,
  getSettlementsSpec,
  renewSpec,
  validateSpec,
} from './endpoints.ts';
import { AgencyError, AgencyTransportCause } from './errors.ts';
import { createAgencyLimiter } from './limiter.ts';
import {
  DEFAULT_CIRCUIT,
  DEFAULT_MAX_RESPONSE_BYTES,
  SILENT_LOGGER,
  type AgencyClient,
  type AgencyClientOptions,
  type BackpressureEvent,
  type CallOptions,
} from './options.ts';
import { withRetries } from './retry.ts';

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal });

export function createAgencyClient(options: AgencyClientOptions): AgencyClient {
  if (!options.apiKey) throw new RangeError('agency apiKey is empty');
  if (!/^https?:\/\//.test(options.baseUrl))
    throw new RangeError('agency baseUrl must be an http(s) URL');
  const logger = options.logger ?? SILENT_LOGGER;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const closeController = new AbortController();
  const closeSignal = closeController.signal;
  let apiKey = options.apiKey;
  const secrets = new Set([apiKey]);
  const secretList = (): readonly string[] => [...secrets];

  // --- backpressure: held back while the limiter is paused or the circuit is open ---
  const listeners = new Set<(e: BackpressureEvent) => void>();
  let last: { paused: boolean; untilMs: number | null } = { paused: false, untilMs: null };
  function updateBackpressure(reason: string): void {
    if (closeSignal.aborted) return;
    const pausedUntil = limiter.pausedUntil();
    const circuitUntil = circuit.openUntilMs();
    const paused = pausedUntil !== null || circuit.state() === 'open';
    const untilMs = paused ? Math.max(pausedUntil ?? 0, circuitUntil ?? 0) || null : null;
    if (paused === last.paused && untilMs === last.untilMs) return;
    last = { paused, untilMs };
    const event: BackpressureEvent = { paused, untilMs, reason };
    if (paused) logger.warn({ ...event }, 'agency backpressure');
    else logger.info({ ...event }, 'agency backpressure');
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        logger.warn(
          { err: new AgencyTransportCause(err, secretList()) },
          'backpressure listener threw',
        );
      }
    }
  }

  const limiter = createAgencyLimiter({
    ...options.rateLimit,
    now,
    sleep,
    closeSignal,
    onPauseChange: (until) =>
      updateBackpressure(until === null ? 'rate limit pause over' : 'rate limited (429)'),
  });
  const circuitOptions = options.circuit ?? DEFAULT_CIRCUIT;
  const circuit = createCircuitBreaker({
    ...circuitOptions,
    now,
    sleep,
    closeSignal,
    onChange: (state, _untilMs, reason) => updateBackpressure(`circuit ${state}: ${reason}`),
  });
  const runner = createCallRunner({
    http: {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      baseUrl: options.baseUrl,
      apiKey: () => apiKey,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      closeSignal,
    },
    limiter,
    circuit,
    logger,
    now,
    secrets: secretList,
    retry: options.retry,
    onRequest: options.onRequest,
  });

  function abortedError(spec: CallSpec<unknown>, detail: string): AgencyError {
    return new AgencyError({ kind: 'aborted', method: spec.method, path: spec.path, detail });
  }

  async function call<T>(
    spec: CallSpec<T>,
    o: CallOptions = {},
    retries = options.retry.retries,
  ): Promise<T> {
    const signal = o.signal ? AbortSignal.any([o.signal, closeSignal]) : closeSignal;
    const cancelled = (): string | null =>
      closeSignal.aborted ? 'client closed' : o.signal?.aborted ? 'cancelled by caller' : null;
    try {
      if (cancelled()) throw abortedError(spec, cancelled() ?? 'cancelled');
      return await withRetries(() => runner.attempt(spec, { ...o, signal }), {
        policy: { ...options.retry, retries },
        idempotent: spec.idempotent,
        random,
        sleep,
        signal,
        abortedError: () => abortedError(spec, cancelled() ?? 'cancelled'),
        onRetry: ({ error, retryNumber, delayMs }) =>
          logger.debug(
            {
              endpoint: spec.endpoint,
              kind: error.kind,
              status: error.status,
              retryNumber,
              delayMs: Math.round(delayMs),
            },
            'agency call retry',
          ),
      });
    } catch (err) {
      if (err instanceof AgencyError && (err.kind === 'aborted' || !cancelled())) throw err;
      // The limiter's drop on close, or an abort reason from the caller's signal.
      const reason = cancelled();
      if (reason !== null) throw abortedError(spec, reason);
      throw err;
    }
  }

  return {
    createInvoice: (body, o) => call(createInvoiceSpec(body, o?.priority), o),
    createActions: (body, o) => call(createActionsSpec(body, o?.priority), o),
    getCase: (q, o) => call(getCaseSpec(q, o?.priority), o),
    getDistribution: (q, o) => call(getDistributionSpec(q, o?.priority), o),
    getPayments: (q, o) => call(getPaymentsSpec(q, o?.priority), o),
    getSettlements: (q, o) => call(getSettlementsSpec(q, o?.priority), o),
    validateToken: (o) => call(validateSpec(o?.priority), o),
    async renewToken(o) {
      const result = await call(renewSpec(o?.priority), o);
      secrets.add(result.newKey);
      return result;
    },
    setApiKey(newKey) {
      if (!newKey) throw new RangeError('agency apiKey is empty');
      secrets.add(newKey);
      apiKey = newKey;
    },
    async checkConnection() {
      try {
        const answer = await call(validateSpec('action'), {}, 0);
        return answer.isValid
          ? { ok: true }
          : { ok: false, reason: 'the agency says the API key is not valid' };
      } catch (err) {
        if (!(err instanceof AgencyError)) return { ok: false, reason: 'unexpected error' };
        // The agency answered; the validate endpoint itself is still "Developing" in its docs.
        if (err.kind === 'not_found' || err.kind === 'permanent' || err.kind === 'conflict')
          return { ok: true };
        return {
          ok: false,
          reason: err.status === null ? err.kind : `${err.kind} (HTTP ${err.status})`,
        };
      }
    },
    limiterState() {
      const counts = limiter.counts();
      return { ...counts, pausedUntil: limiter.pausedUntil(), circuit: circuit.state() };
    },
    onBackpressure(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      if (closeSignal.aborted) return;
      closeController.abort(
        new AgencyError({ kind: 'aborted', method: '-', path: '-', detail: 'client closed' }),
      );
      listeners.clear();
      await limiter.stop().catch(() => {});
    },
  };
}
