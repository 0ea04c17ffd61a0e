/**
 * One rate limiter per agency key, shared by every caller of the client: a bottleneck instance
 * with `minTime = 1000 / (requestsPerSecond / instances)` (one call every minTime ms, so a steady
 * rate without bursts) and `maxConcurrent`. Priorities map to bottleneck's 0–9 (0 first).
 *
 * Pause (429 / 503 with Retry-After): the reservoir is set to 0 so nothing new is registered, and a
 * job that bottleneck had already registered (it schedules up to maxConcurrent jobs ahead, each
 * with its wait) checks the pause flag when it starts and goes back into the queue instead of
 * sending. So no call leaves the process until the pause ends.
 */
import Bottleneck from 'bottleneck';
import { AgencyError } from './errors.ts';

export type CallPriority = 'money' | 'create' | 'action' | 'poll';

/** bottleneck priorities: 0 runs first, 9 last (its default is 5). */
export const PRIORITY_LEVEL: Readonly<Record<CallPriority, number>> = {
  money: 1,
  create: 3,
  action: 5,
  poll: 7,
};

export interface AgencyLimiterOptions {
  requestsPerSecond: number;
  maxConcurrent: number;
  /** Processes sharing the key; this one uses requestsPerSecond / instances. */
  instances: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted by the client's close(): pause timers stop. */
  closeSignal: AbortSignal;
  /** Told when a pause starts (its end time) and when it ends (null). */
  onPauseChange: (pausedUntilMs: number | null) => void;
}

export interface AgencyLimiter {
  /**
   * Runs `task` when the rate, concurrency and pause allow. Rejects with the signal's reason when
   * `signal` aborts first (the task then never runs), and with a BottleneckError after stop().
   */
  schedule<T>(priority: CallPriority, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Holds every caller back for `ms` (extends a shorter pause, never shortens a longer one). */
  pauseFor(ms: number): void;
  pausedUntil(): number | null;
  counts(): { queued: number; running: number };
  /** Drops queued jobs (they reject) and refuses new ones. */
  stop(): Promise<void>;
  readonly minTimeMs: number;
}

const REQUEUE = Symbol('requeue');

export function minTimeMsFor(requestsPerSecond: number, instances: number): number {
  if (!(requestsPerSecond > 0)) throw new RangeError('rateLimit.requestsPerSecond must be > 0');
  if (!(instances >= 1)) throw new RangeError('rateLimit.instances must be >= 1');
  return (1000 * instances) / requestsPerSecond;
}

export function createAgencyLimiter(options: AgencyLimiterOptions): AgencyLimiter {
  const minTimeMs = minTimeMsFor(options.requestsPerSecond, options.instances);
  const maxConcurrent = Math.max(1, Math.floor(options.maxConcurrent));
  const bottleneck = new Bottleneck({ minTime: minTimeMs, maxConcurrent });
  // bottleneck reports failures in its own bookkeeping as 'error' events; without a listener they
  // would be lost silently, with one they are at least not unhandled. Task errors reach callers.
  bottleneck.on('error', () => {});

  // updateSettings returns a promise at runtime although its typings say otherwise.
  function updateReservoir(reservoir: number | null): void {
    const pending: unknown = bottleneck.updateSettings({ reservoir });
    void Promise.resolve(pending).catch(() => {});
  }

  let pausedUntilMs: number | null = null;
  let pauseGeneration = 0;

  function endPause(generation: number): void {
    if (generation !== pauseGeneration || pausedUntilMs === null) return;
    pausedUntilMs = null;
    updateReservoir(null);
    options.onPauseChange(null);
  }

  function pauseFor(ms: number): void {
    if (options.closeSignal.aborted) return;
    const untilMs = options.now() + Math.max(0, ms);
    if (pausedUntilMs !== null && untilMs <= pausedUntilMs) return;
    const wasPaused = pausedUntilMs !== null;
    pausedUntilMs = untilMs;
    const generation = ++pauseGeneration;
    if (!wasPaused) updateReservoir(0);
    options.onPauseChange(untilMs);
    options.sleep(Math.max(0, ms), options.closeSignal).then(
      () => endPause(generation),
      () => {},
    );
  }

  async function schedule<T>(
    priority: CallPriority,
    task: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const level = PRIORITY_LEVEL[priority];
    const job = (): Promise<T | typeof REQUEUE> => {
      signal?.throwIfAborted();
      if (pausedUntilMs !== null) return Promise.resolve(REQUEUE);
      return task();
    };
    for (;;) {
      signal?.throwIfAborted();
      const scheduled = bottleneck.schedule({ priority: level }, job);
      const result = signal ? await raceAbort(scheduled, signal) : await scheduled;
      if (result !== REQUEUE) return result;
    }
  }

  return {
    minTimeMs,
    schedule,
    pauseFor,
    pausedUntil: () => pausedUntilMs,
    counts() {
      const c = bottleneck.counts();
      return {
        queued: (c.RECEIVED ?? 0) + (c.QUEUED ?? 0),
        running: (c.RUNNING ?? 0) + (c.EXECUTING ?? 0),
      };
    },
    async stop() {
      pauseGeneration++;
      pausedUntilMs = null;
      await bottleneck.stop({ dropWaitingJobs: true, dropErrorMessage: 'agency client closed' });
    },
  };
}

/** Settles with `promise`, or rejects with the abort reason first; the loser is never unhandled. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new AgencyError({ kind: 'aborted', method: '-', path: '-' });
}
