/**
 * Periodic care of the parked line: an event parked past `parkMaxHours` is dead-lettered (with a
 * rejected event) and the line moves on; the head of a line whose invoice the agency now knows
 * (created by another path, case id learned by a poller) is released again in case its release
 * was lost. Releasing twice is harmless: the inbox turns the second copy into a duplicate.
 */
import type { OutboxRow, ParkedEvent, Store, StoreChanges } from '../../adapters/store/index.ts';
import type { Logger } from '../logger.ts';
import { nextRelease, releaseRow, RETRYING } from './parking.ts';
import type { OutboxRelay } from './outbox-relay.ts';
import { deadLetter, deadLetterCopyRow, rejectedRow } from './results.ts';

export interface ParkedSweeperOptions {
  store: Store;
  relay: OutboxRelay;
  logger: Logger;
  parkMaxMs: number;
  inboundQueue(source: string): string;
  outboundExchange: string;
  dlxExchange: string;
  now: () => Date;
  intervalMs?: number;
}

export function createParkedSweeper(options: ParkedSweeperOptions) {
  const { store, relay, logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  /** Heads waiting for a case id are retried at most every `noCaseRetryMs` (each costs a call). */
  const lastNoCaseRelease = new Map<string, number>();
  const noCaseRetryMs = 15 * 60_000;

  async function expire(p: ParkedEvent, line: ParkedEvent[], now: Date): Promise<OutboxRow[]> {
    const letter = deadLetter({
      source: p.source,
      messageId: p.messageId,
      type: p.type,
      invoiceNumber: p.invoiceNumber,
      reason: 'parked_too_long',
      detail: `parked since ${p.parkedAt}: ${p.reason}`,
      errorClass: 'ParkedTooLong',
      original: p.body,
      routingKey: p.routingKey,
      mappedRequest: null,
      agencyAnswers: [],
      attempts: 0,
      firstSeenAt: p.parkedAt,
      now,
    });
    const target = { source: p.source, exchange: options.outboundExchange, now };
    const rejected = rejectedRow(
      target,
      { id: p.messageId, type: p.type, invoiceNumber: p.invoiceNumber },
      letter.detail,
      [],
    );
    const outbox = [
      deadLetterCopyRow(letter, options.dlxExchange, now),
      ...(rejected ? [rejected] : []),
      ...nextRelease(line, p.messageId, options.inboundQueue(p.source), now),
    ];
    const inbox = await store.getInbox(p.source, p.messageId);
    const changes: StoreChanges = {
      deadLetters: [letter],
      outbox,
      parkedRemove: [p.id],
      ...(inbox
        ? {
            inbox: [
              {
                ...inbox,
                state: 'FAILED',
                outcome: 'dead-lettered: parked_too_long',
                resultIds: rejected ? [rejected.id] : [],
                updatedAt: now.toISOString(),
              },
            ],
          }
        : {}),
    };
    await store.commit(changes);
    logger.warn(
      { messageId: p.messageId, source: p.source },
      'parked event expired; dead-lettered',
    );
    return outbox;
  }

  async function sweepOnce(): Promise<{ expired: number; released: number }> {
    const now = options.now();
    const cutoff = new Date(now.getTime() - options.parkMaxMs).toISOString();
    let expired = 0;
    let released = 0;
    for (const p of await store.listParked({ parkedBefore: cutoff, limit: 500 })) {
      const line = await store.parkedFor(p.source, p.invoiceNumber);
      await relay.publishRows(await expire(p, line, now));
      expired += 1;
    }
    const seen = new Set<string>();
    for (const p of await store.listParked({ limit: 5000 })) {
      const key = `${p.source}:${p.invoiceNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (p.reason.startsWith(RETRYING)) continue;
      const invoice = await store.getInvoice(p.source, p.invoiceNumber);
      if (invoice?.status !== 'CREATED') continue;
      if (!invoice.caseId) {
        const last = lastNoCaseRelease.get(key) ?? 0;
        if (now.getTime() - last < noCaseRetryMs) continue;
        lastNoCaseRelease.set(key, now.getTime());
      }
      const row = releaseRow(p, options.inboundQueue(p.source), now);
      await store.commit({ outbox: [row] });
      await relay.publishRows([row]);
      released += 1;
    }
    return { expired, released };
  }

  function sweep() {
    running ??= sweepOnce()
      .then(() => undefined)
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    sweepOnce,
    start() {
      const tick = () => {
        timer = setTimeout(() => {
          sweep()
            .catch((err: unknown) => logger.warn({ err }, 'parked sweep failed'))
            .finally(tick);
        }, options.intervalMs ?? 60_000);
        timer.unref();
      };
      tick();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running.catch(() => undefined);
    },
  };
}
