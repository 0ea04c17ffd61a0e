/**
 * Per-minute counts of handled events and of failures (retried or dead-lettered) over the last
 * hour, for the dashboard's small chart. In memory, this instance only.
 */
export interface MinuteCount {
  /** Start of the minute, epoch ms. */
  minute: number;
  events: number;
  errors: number;
}

const FAILURES = new Set(['retried', 'dead_lettered']);

export function createThroughput(options: { now?: () => number; minutes?: number } = {}) {
  const now = options.now ?? Date.now;
  const minutes = options.minutes ?? 60;
  const buckets = new Map<number, MinuteCount>();

  return {
    record(outcome: string): void {
      const minute = Math.floor(now() / 60_000) * 60_000;
      let b = buckets.get(minute);
      if (!b) {
        b = { minute, events: 0, errors: 0 };
        buckets.set(minute, b);
        for (const key of buckets.keys()) if (key <= minute - minutes * 60_000) buckets.delete(key);
      }
      b.events += 1;
      if (FAILURES.has(outcome)) b.errors += 1;
    },
    /** The last `minutes` minutes, oldest first, zeros included. */
    series(): MinuteCount[] {
      const current = Math.floor(now() / 60_000) * 60_000;
      const out: MinuteCount[] = [];
      for (let i = minutes - 1; i >= 0; i--) {
        const minute = current - i * 60_000;
        out.push(buckets.get(minute) ?? { minute, events: 0, errors: 0 });
      }
      return out;
    },
  };
}

export type Throughput = ReturnType<typeof createThroughput>;
