/**
 * One rate limiter per agency key, shared by every caller of the client: at most
 * `maxConcurrent` calls in flight, one call start every `minTime = 1000 / (requestsPerSecond /
 * instances)` ms, and four priority lanes (money before create before action before poll; FIFO
 * within a lane).
 *
 * Pacing keeps the long-run rate at R even when timers fire late: each start takes the next slot
 * (previous slot + minTime); a start that comes late does not push the following slots back,
 * but the catch-up is capped at one slot, so no window of minTime ever sees more than two starts
 * (the agency's token bucket holds at least two).
 *
 * Pause (429 / 503 with Retry-After): nothing starts until the pause ends; queued callers wait.
 * Abort: a queued call whose signal aborts leaves the queue and rejects with the signal's reason;
 * a started call is the task's business. stop(): queued calls reject, new ones are refused.
 *
 * Our own code rather than bottleneck: bottleneck's per-job promise chains and transpiled
 * async generators cost more CPU than the HTTP call itself at a few hundred calls per second,
 * and its pacing loses the rate after an event-loop stall.
 */
import { performance } from 'node:perf_hooks';
import { AgencyError } from './errors.ts';

export type CallPriority = 'money' | 'create' | 'action' | 'poll';

/** Lane of each priority: 0 runs first. */
export const PRIORITY_LEVEL: Readonly<Record<CallPriority, number>> = {
  money: 0,
  create: 1,
  action: 2,
  poll: 3,
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
   * `signal` aborts first (the task then never runs), and with an aborted AgencyError after stop().
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

export function minTimeMsFor(requestsPerSecond: number, instances: number): number {
  if (!(requestsPerSecond > 0)) throw new RangeError('rateLimit.requestsPerSecond must be > 0');
  if (!(instances >= 1)) throw new RangeError('rateLimit.instances must be >= 1');
  return (1000 * instances) / requestsPerSecond;
}

interface Job {
  start(): void;
  fail(err: Error): void;
  /** Set when the job left the queue early (aborted); the lane skips it. */
  gone: boolean;
}

/** A FIFO lane with O(1) shift (a head index, compacted now and then). */
class Lane {
  items: Job[] = [];
  head = 0;
  live = 0;
  push(job: Job): void {
    this.items.push(job);
    this.live += 1;
  }
  peek(): Job | undefined {
    while (this.head < this.items.length && this.items[this.head]?.gone) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }
  shift(): void {
    this.head += 1;
    this.live -= 1;
  }
  drain(): Job[] {
    const out = this.items.slice(this.head).filter((j) => !j.gone);
    this.items = [];
    this.head = 0;
    this.live = 0;
    return out;
  }
}

export function createAgencyLimiter(options: AgencyLimiterOptions): AgencyLimiter {
  const minTimeMs = minTimeMsFor(options.requestsPerSecond, options.instances);
  const maxConcurrent = Math.max(1, Math.floor(options.maxConcurrent));
  const lanes = [new Lane(), new Lane(), new Lane(), new Lane()];
  let running = 0;
  let lastSlot = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let pausedUntilMs: number | null = null;
  let pauseGeneration = 0;

  function nextJob(): { job: Job; lane: Lane } | undefined {
    for (const lane of lanes) {
      if (lane.live === 0) continue;
      const job = lane.peek();
      if (job) return { job, lane };
    }
    return undefined;
  }

  function dispatch(): void {
    timer = undefined;
    while (!stopped && pausedUntilMs === null && running < maxConcurrent) {
      const next = nextJob();
      if (!next) return;
      const now = performance.now();
      const slot = lastSlot + minTimeMs;
      if (slot > now) {
        timer = setTimeout(dispatch, Math.max(1, Math.ceil(slot - now)));
        return;
      }
      lastSlot = Math.max(slot, now - minTimeMs);
      next.lane.shift();
      running += 1;
      next.job.start();
    }
  }

  function wake(): void {
    if (timer === undefined) dispatch();
  }

  function endPause(generation: number): void {
    if (generation !== pauseGeneration || pausedUntilMs === null) return;
    pausedUntilMs = null;
    options.onPauseChange(null);
    wake();
  }

  function pauseFor(ms: number): void {
    if (options.closeSignal.aborted || stopped) return;
    const untilMs = options.now() + Math.max(0, ms);
    if (pausedUntilMs !== null && untilMs <= pausedUntilMs) return;
    pausedUntilMs = untilMs;
    const generation = ++pauseGeneration;
    options.onPauseChange(untilMs);
    options.sleep(Math.max(0, ms), options.closeSignal).then(
      () => endPause(generation),
      () => {},
    );
  }

  function schedule<T>(
    priority: CallPriority,
    task: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (stopped) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      const lane = lanes[PRIORITY_LEVEL[priority]] as Lane;
      const onAbort = (): void => {
        if (job.gone) return;
        job.gone = true;
        lane.live -= 1;
        reject(abortReason(signal as AbortSignal));
      };
      const job: Job = {
        gone: false,
        start() {
          signal?.removeEventListener('abort', onAbort);
          let pending: Promise<T>;
          try {
            pending = task();
          } catch (err) {
            pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
          }
          pending.then(
            (value) => {
              running -= 1;
              resolve(value);
              wake();
            },
            (err: unknown) => {
              running -= 1;
              reject(err instanceof Error ? err : new Error(String(err)));
              wake();
            },
          );
        },
        fail(err) {
          signal?.removeEventListener('abort', onAbort);
          job.gone = true;
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.push(job);
      wake();
    });
  }

  return {
    minTimeMs,
    schedule,
    pauseFor,
    pausedUntil: () => pausedUntilMs,
    counts: () => ({ queued: lanes.reduce((n, l) => n + l.live, 0), running }),
    stop() {
      stopped = true;
      pauseGeneration++;
      pausedUntilMs = null;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const lane of lanes) for (const job of lane.drain()) job.fail(closedError());
      return Promise.resolve();
    },
  };
}

function closedError(): AgencyError {
  return new AgencyError({
    kind: 'aborted',
    method: '-',
    path: '-',
    detail: 'agency client closed',
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new AgencyError({ kind: 'aborted', method: '-', path: '-' });
}
