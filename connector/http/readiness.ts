/**
 * Readiness with the stall rule: on top of the runtime's checks (broker open and not blocked,
 * consumers registered, store answers, last agency check passed), a queue whose messages wait
 * while its consumer handled none for longer than `stallMs` makes the instance not ready.
 * Paused consumers (agency backpressure) are not stalled: they wait on purpose.
 */
import type { ReadinessReport } from './app.ts';

export interface ConsumerSnapshot {
  queue: string;
  alive: boolean;
  paused: boolean;
  lastDeliveryAt: number | null;
  inFlight: number;
}

export interface ReadinessOptions {
  base: () => Promise<ReadinessReport>;
  consumers: () => ConsumerSnapshot[];
  /** Ready messages in a queue; rejects when the broker cannot say. */
  depth: (queue: string) => Promise<number>;
  stallMs: number;
  now?: () => number;
}

export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const now = options.now ?? Date.now;
  /** Since when messages were seen waiting with no new delivery, per queue. */
  const waitingSince = new Map<string, { since: number; lastDeliveryAt: number | null }>();

  async function stalled(c: ConsumerSnapshot): Promise<boolean> {
    if (!c.alive || c.paused) {
      waitingSince.delete(c.queue);
      return false;
    }
    const depth = await options.depth(c.queue).catch(() => 0);
    const seen = waitingSince.get(c.queue);
    if (depth === 0 || (seen && seen.lastDeliveryAt !== c.lastDeliveryAt)) {
      waitingSince.delete(c.queue);
      if (depth === 0) return false;
    }
    const t = now();
    const entry = waitingSince.get(c.queue) ?? { since: t, lastDeliveryAt: c.lastDeliveryAt };
    waitingSince.set(c.queue, entry);
    const lastActivity = Math.max(entry.since, c.lastDeliveryAt ?? 0);
    return t - lastActivity > options.stallMs;
  }

  return async function readiness(): Promise<ReadinessReport> {
    const report = await options.base();
    const consumers = options.consumers();
    const flags = await Promise.all(consumers.map((c) => stalled(c)));
    const count = flags.filter(Boolean).length;
    const checks = { ...report.checks };
    if (count > 0) checks.consumers = `${count} consumer(s) stalled`;
    return { ready: report.ready && count === 0, checks };
  };
}
