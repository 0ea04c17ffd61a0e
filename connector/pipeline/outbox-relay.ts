/**
 * The outbox relay: publishes outbox rows over the confirm channel and marks them SENT only after
 * the broker's ack (RELIABILITY.md rule 3). Handlers publish their own rows at once
 * (`publishRows`); a background sweep re-publishes whatever stayed PENDING (broker down, crash
 * between commit and publish). A row may be published twice (crash after confirm, before
 * markSent): it keeps its message id, so the ERP drops the copy.
 */
import type { OutboxRow, Store } from '../../adapters/store/index.ts';
import type { Logger } from '../logger.ts';
import type { Publisher } from './ports.ts';

export interface OutboxRelayOptions {
  store: Store;
  publisher: Publisher;
  logger: Logger;
  /** Rows per sweep. */
  batchSize?: number;
  /** Time between sweeps when idle (a sweep that sent a whole batch is followed at once). */
  sweepIntervalMs?: number;
  /** The sweep leaves rows younger than this to the handler that wrote them. */
  graceMs?: number;
  now?: () => number;
}

export interface OutboxRelay {
  /**
   * Publishes these rows now; resolves true when every one was confirmed by the broker. Marking
   * them SENT in the store follows in batches; a crash before that re-publishes them (same ids).
   */
  publishRows(rows: OutboxRow[], options?: { again?: boolean }): Promise<boolean>;
  /** One sweep of pending rows; returns how many were sent. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** Publishes failed since start (returned, nacked, timed out, broker down). */
  readonly failures: number;
}

export function messageIdOf(row: OutboxRow): string {
  const explicit = row.headers['x-message-id'];
  return typeof explicit === 'string' ? explicit : row.id;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { store, publisher, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const sweepIntervalMs = options.sweepIntervalMs ?? 2_000;
  const graceMs = options.graceMs ?? 5_000;
  const now = options.now ?? Date.now;
  const inFlight = new Set<string>();
  /** Confirmed by the broker, to be marked SENT by the next batch (one store write for many). */
  const confirmed = new Set<string>();
  let markTimer: NodeJS.Timeout | null = null;
  let marking: Promise<void> = Promise.resolve();
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<number> | null = null;
  let stopped = false;
  /** The last sweep sent a whole batch: more are probably waiting, so sweep again at once. */
  let backlog = false;

  function markConfirmed(): Promise<void> {
    if (markTimer) clearTimeout(markTimer);
    markTimer = null;
    const ids = [...confirmed];
    if (ids.length === 0) return marking;
    marking = marking
      .then(() => store.markOutboxSent(ids, new Date(now()).toISOString()))
      .then(() => {
        for (const id of ids) confirmed.delete(id);
      })
      .catch((err: unknown) => {
        // Left PENDING: the sweep publishes them again (same message ids).
        for (const id of ids) confirmed.delete(id);
        logger.warn({ err }, 'could not mark outbox rows sent');
      });
    return marking;
  }

  function scheduleMark(): void {
    if (confirmed.size >= 500) {
      void markConfirmed();
    } else if (!markTimer) {
      markTimer = setTimeout(() => void markConfirmed(), 50);
      markTimer.unref();
    }
  }

  async function publishOne(row: OutboxRow, again: boolean): Promise<boolean> {
    if (inFlight.has(row.id) || (confirmed.has(row.id) && !again)) return false;
    inFlight.add(row.id);
    try {
      const correlation = row.headers['x-correlation-id'];
      await publisher.publish(row.exchange, row.routingKey, row.body, {
        messageId: messageIdOf(row),
        headers: row.headers,
        ...(typeof correlation === 'string' ? { correlationId: correlation } : {}),
      });
      return true;
    } catch (err) {
      failures += 1;
      logger.debug({ err, outboxId: row.id }, 'outbox publish failed; the sweep retries it');
      await store
        .markOutboxFailed(row.id, err instanceof Error ? err.message : String(err))
        .catch(() => undefined);
      return false;
    } finally {
      inFlight.delete(row.id);
    }
  }

  async function publishRows(
    rows: OutboxRow[],
    options: { again?: boolean } = {},
  ): Promise<boolean> {
    if (rows.length === 0) return true;
    const results = await Promise.all(rows.map((r) => publishOne(r, options.again === true)));
    const sent = rows.filter((_r, i) => results[i]).map((r) => r.id);
    for (const id of sent) confirmed.add(id);
    if (sent.length > 0) scheduleMark();
    return sent.length === rows.length;
  }

  async function sweepOnce(): Promise<number> {
    const cutoff = now() - graceMs;
    const rows = (await store.pendingOutbox(batchSize)).filter(
      (r) =>
        !confirmed.has(r.id) &&
        !inFlight.has(r.id) &&
        (r.attempts > 0 || Date.parse(r.createdAt) <= cutoff),
    );
    let sent = 0;
    let ok = true;
    for (let i = 0; i < rows.length && !stopped && ok; i += 32) {
      const chunk = rows.slice(i, i + 32);
      ok = await publishRows(chunk); // false: broker trouble, try again next sweep
      if (ok) sent += chunk.length;
    }
    backlog = ok && sent > 0 && sent >= batchSize;
    // Before the next batch is read, the rows just sent must be marked, or it reads them again.
    if (backlog) await markConfirmed();
    return sent;
  }

  function sweep(): Promise<number> {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = null;
    });
    return sweeping;
  }

  /** Next sweep after the interval, or at once while a backlog drains (a batch per turn). */
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        sweep()
          .catch((err: unknown) => {
            backlog = false;
            logger.warn({ err }, 'outbox sweep failed');
          })
          .finally(schedule);
      },
      backlog ? 0 : sweepIntervalMs,
    );
    timer.unref();
  }

  return {
    publishRows,
    sweep,
    start() {
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (sweeping) await sweeping.catch(() => undefined);
      await markConfirmed();
    },
    get failures() {
      return failures;
    },
  };
}
