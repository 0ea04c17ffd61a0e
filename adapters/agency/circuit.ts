/**
 * Circuit breaker (RELIABILITY.md P5): after `failureThreshold` consecutive failures (not sent,
 * 5xx / timeout / reset, 401 / 403) it opens for `openMs`, and calls fail fast without touching the
 * network. Then it is half-open: the next call is the one probe, other calls still fail fast; the
 * probe's success closes it, its failure opens it again. A long Retry-After opens it until then.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  closeSignal: AbortSignal;
  /** Told on every state change; `untilMs` is the end of an open period. */
  onChange: (state: CircuitState, untilMs: number | null, reason: string) => void;
}

export type CircuitTicket = 'pass' | 'probe' | 'reject';
export type CircuitResult = 'success' | 'failure' | 'neutral';

export interface CircuitBreaker {
  state(): CircuitState;
  /** End of the current open period, or null. */
  openUntilMs(): number | null;
  /** Asks to send one call. `probe`: this call decides; report it with `record(…, 'probe')`. */
  acquire(): CircuitTicket;
  record(result: CircuitResult, ticket: CircuitTicket): void;
  /** Opens until `untilMs` (no-op when already open for longer). */
  openUntil(untilMs: number, reason: string): void;
}

export function createCircuitBreaker(options: CircuitOptions): CircuitBreaker {
  const threshold = Math.max(1, Math.floor(options.failureThreshold));
  let consecutiveFailures = 0;
  let openUntil: number | null = null; // set while open or half-open
  let timerFired = false;
  let generation = 0;
  let probeInFlight = false;

  function state(): CircuitState {
    if (openUntil === null) return 'closed';
    if (!timerFired && options.now() < openUntil) return 'open';
    return 'half-open';
  }

  function open(untilMs: number, reason: string): void {
    openUntil = untilMs;
    timerFired = false;
    probeInFlight = false;
    const mine = ++generation;
    options.onChange('open', untilMs, reason);
    const waitMs = Math.max(0, untilMs - options.now());
    options.sleep(waitMs, options.closeSignal).then(
      () => {
        if (mine !== generation || openUntil === null) return;
        timerFired = true;
        options.onChange('half-open', null, 'open period over: next call probes');
      },
      () => {},
    );
  }

  function close(reason: string): void {
    generation++;
    openUntil = null;
    timerFired = false;
    probeInFlight = false;
    consecutiveFailures = 0;
    options.onChange('closed', null, reason);
  }

  return {
    state,
    openUntilMs: () => (state() === 'open' ? openUntil : null),
    acquire() {
      const s = state();
      if (s === 'closed') return 'pass';
      if (s === 'open' || probeInFlight) return 'reject';
      probeInFlight = true;
      return 'probe';
    },
    record(result, ticket) {
      if (ticket === 'reject') return;
      if (ticket === 'probe') {
        if (openUntil === null || state() !== 'half-open') return;
        if (result === 'success') close('probe succeeded');
        else if (result === 'failure') open(options.now() + options.openMs, 'probe failed');
        else probeInFlight = false;
        return;
      }
      // A call let through while closed; its answer may arrive after the circuit opened.
      if (state() !== 'closed') return;
      if (result === 'success') consecutiveFailures = 0;
      else if (result === 'failure') {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
          open(options.now() + options.openMs, `${consecutiveFailures} consecutive failures`);
        }
      }
    },
    openUntil(untilMs, reason) {
      if (state() === 'open' && openUntil !== null && openUntil >= untilMs) return;
      open(untilMs, reason);
    },
  };
}
