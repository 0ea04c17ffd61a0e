/**
 * The simulated clock. It moves only when told (`advance`, `advanceDays`, `POST /_sim/clock/advance`,
 * or a real-time ticker from `startAutoAdvance`); every move runs the lifecycle.
 */
import { DAY_MS } from './dates.ts';

export interface SimClock {
  now(): Date;
  /** Moves the clock forward by `ms` (0 runs the work already due) and runs the lifecycle. */
  advance(ms: number): void;
  advanceDays(days: number): void;
}

export function createSimClock(
  nowMs: () => number,
  advanceTo: (targetMs: number) => void,
): SimClock {
  const advance = (ms: number): void => {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`cannot advance the clock by ${ms} ms`);
    advanceTo(nowMs() + ms);
  };
  return {
    now: () => new Date(nowMs()),
    advance,
    advanceDays: (days) => advance(days * DAY_MS),
  };
}

export interface AutoAdvanceOptions {
  /** Real milliseconds between ticks. Default 1000. */
  intervalMs?: number;
  /** Simulated milliseconds per real millisecond (86400 = a day per real second). Default 1. */
  speed?: number;
}

/** Lets the simulated clock follow real time (scaled by `speed`); returns a stop function. */
export function startAutoAdvance(clock: SimClock, options: AutoAdvanceOptions = {}): () => void {
  const { intervalMs = 1000, speed = 1 } = options;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    clock.advance(Math.max(0, Math.round((now - last) * speed)));
    last = now;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
