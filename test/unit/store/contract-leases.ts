/** Store contract: leases, counts, ping and close. */
import { describe, expect, it, vi } from 'vitest';
import {
  deadLetter,
  inboxEntry,
  outboxRow,
  parkedEvent,
  task,
  type CurrentStore,
} from './fixtures.ts';

const minuteMs = 60_000;

export function leasesContract(store: CurrentStore): void {
  describe('leases', () => {
    it('is acquired when free, refused to another owner, renewed by its owner', async () => {
      expect(await store().acquireLease('poller', 'instance-a', minuteMs)).toBe(true);
      expect(await store().acquireLease('poller', 'instance-b', minuteMs)).toBe(false);
      expect(await store().acquireLease('poller', 'instance-a', minuteMs)).toBe(true);
      expect(await store().acquireLease('other-lease', 'instance-b', minuteMs)).toBe(true);
    });

    it('is freed only by its owner', async () => {
      await store().acquireLease('poller', 'instance-a', minuteMs);
      await store().releaseLease('poller', 'instance-b');
      expect(await store().acquireLease('poller', 'instance-b', minuteMs)).toBe(false);
      await store().releaseLease('poller', 'instance-a');
      expect(await store().acquireLease('poller', 'instance-b', minuteMs)).toBe(true);
      await store().releaseLease('never-held', 'instance-a');
    });

    it('can be taken by another owner once expired; the old owner then cannot renew it', async () => {
      expect(await store().acquireLease('invoice:INV-1', 'instance-a', 1)).toBe(true);
      // Wait for the 1 ms lease to run out on the store's clock (no fixed sleep).
      await vi.waitFor(
        async () =>
          expect(await store().acquireLease('invoice:INV-1', 'instance-b', minuteMs)).toBe(true),
        { timeout: 5_000, interval: 5 },
      );
      expect(await store().acquireLease('invoice:INV-1', 'instance-a', minuteMs)).toBe(false);
    });
  });

  describe('counts', () => {
    it('counts pending outbox, parked, open dead letters, manual review and tasks by state', async () => {
      const empty = await store().counts();
      expect(empty).toEqual({
        outboxPending: 0,
        parked: 0,
        deadLettersOpen: 0,
        manualReview: 0,
        tasksByState: { PENDING_APPROVAL: 0, APPROVED: 0, SENT: 0, COLLECTED: 0, CANCELLED: 0 },
      });
      await store().commit({
        outbox: ['a', 'b', 'c'].map((id) => outboxRow({ id })),
        parkedAdd: [parkedEvent({ id: 'p1' }), parkedEvent({ id: 'p2' })],
        deadLetters: [
          deadLetter({ id: 'd1' }),
          deadLetter({ id: 'd2', status: 'REPLAYED' }),
          deadLetter({ id: 'd3' }),
        ],
        inbox: [
          inboxEntry({ messageId: 'm1', state: 'MANUAL_REVIEW' }),
          inboxEntry({ messageId: 'm2', state: 'DONE' }),
        ],
        tasks: [
          task({ id: 't1', state: 'SENT' }),
          task({ id: 't2', state: 'SENT' }),
          task({ id: 't3', state: 'CANCELLED' }),
        ],
      });
      await store().markOutboxSent(['a'], '2026-03-01T11:00:00.000Z');
      expect(await store().counts()).toEqual({
        outboxPending: 2,
        parked: 2,
        deadLettersOpen: 2,
        manualReview: 1,
        tasksByState: { PENDING_APPROVAL: 0, APPROVED: 0, SENT: 2, COLLECTED: 0, CANCELLED: 1 },
      });
    });
  });

  describe('life cycle', () => {
    it('answers ping while open and refuses after close; close twice is harmless', async () => {
      expect(store().kind).toMatch(/^(sqlite|mongodb)$/);
      await expect(store().ping()).resolves.toBeUndefined();
      await store().close();
      await expect(store().close()).resolves.toBeUndefined();
      await expect(store().ping()).rejects.toThrow();
      await expect(store().getInbox('erp-a', 'msg-1')).rejects.toThrow();
    });
  });
}
