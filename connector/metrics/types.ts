/** What the metrics read at scrape time, as narrow ports (all optional). */
import type { StoreCounts } from '../../adapters/store/index.ts';

/** One poller as the pollers' `status()` reports it (fields the metrics and dashboard read). */
export interface PollerStatus {
  name: string;
  running?: boolean;
  lastRunAt?: string | null;
  lastSuccessAt?: string | null;
  lastDurationMs?: number | null;
  /** Short text: `ok`, `failed: <class>`, `skipped: not leader` … */
  lastResult?: string | null;
  nextRunAt?: string | null;
  runs?: number;
  failures?: number;
}

export interface QueueDepth {
  queue: string;
  messages: number;
  consumers: number;
}

export interface LimiterSnapshot {
  queued: number;
  running: number;
  pausedUntil: number | null;
  circuit: 'closed' | 'open' | 'half-open';
}

export interface MetricsSources {
  counts?: () => Promise<StoreCounts>;
  limiter?: () => LimiterSnapshot;
  queues?: () => Promise<QueueDepth[]>;
  pollers?: () => PollerStatus[];
  broker?: () => { connected: boolean; blocked: boolean };
}
