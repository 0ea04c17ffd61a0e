/** Store contract: the outbox and parked events. */
import { describe, expect, it } from 'vitest';
import { at, ids, outboxRow, parkedEvent, type CurrentStore } from './fixtures.ts';

export function outboxContract(store: CurrentStore): void {
  describe('outbox', () => {
    it('inserts a row once: a second insert with the same id leaves the first as it is', async () => {
      await store().commit({ outbox: [outboxRow({ body: 'first' })] });
      await store().markOutboxFailed('out-1', 'nack');
      await store().commit({ outbox: [outboxRow({ body: 'second', attempts: 9 })] });
      const [row] = await store().getOutbox(['out-1']);
      expect(row).toMatchObject({
        body: 'first',
        attempts: 1,
        lastError: 'nack',
        state: 'PENDING',
      });
    });

    it('lists pending rows in insertion order, whatever their createdAt, with a limit', async () => {
      await store().commit({ outbox: [outboxRow({ id: 'c', createdAt: at(9) })] });
      await store().commit({
        outbox: [
          outboxRow({ id: 'a', createdAt: at(1) }),
          outboxRow({ id: 'b', createdAt: at(5) }),
        ],
      });
      await store().commit({ outbox: [outboxRow({ id: 'd', createdAt: at(0) })] });
      expect(ids(await store().pendingOutbox(10))).toEqual(['c', 'a', 'b', 'd']);
      expect(ids(await store().pendingOutbox(2))).toEqual(['c', 'a']);
      expect(await store().pendingOutbox(0)).toEqual([]);
      await expect(store().pendingOutbox(-1)).rejects.toThrow(RangeError);
    });

    it('reads rows by id, skipping unknown ids', async () => {
      await store().commit({ outbox: [outboxRow({ id: 'a' }), outboxRow({ id: 'b' })] });
      expect(ids(await store().getOutbox(['b', 'zz']))).toEqual(['b']);
      expect(await store().getOutbox([])).toEqual([]);
    });

    it('marks rows sent: they leave the pending list and keep their first sentAt', async () => {
      await store().commit({ outbox: ['a', 'b', 'c'].map((id) => outboxRow({ id })) });
      await store().markOutboxSent(['a', 'c', 'unknown'], at(1));
      await store().markOutboxSent([], at(2));
      await store().markOutboxSent(['a'], at(3));
      expect(ids(await store().pendingOutbox(10))).toEqual(['b']);
      const rows = await store().getOutbox(['a', 'b', 'c']);
      expect(rows.map((r) => [r.id, r.state, r.sentAt])).toEqual([
        ['a', 'SENT', at(1)],
        ['b', 'PENDING', null],
        ['c', 'SENT', at(1)],
      ]);
    });

    it('marks many rows sent at once (more than one IN-list slice)', async () => {
      const rows = Array.from({ length: 1_201 }, (_, i) =>
        outboxRow({ id: `r${String(i).padStart(5, '0')}` }),
      );
      await store().commit({ outbox: rows });
      await store().markOutboxSent(ids(rows), at(1));
      expect(await store().pendingOutbox(10)).toEqual([]);
      expect((await store().getOutbox(ids(rows))).length).toBe(1_201);
      expect((await store().counts()).outboxPending).toBe(0);
    });

    it('records a failed publish: attempts + 1, last error, still pending', async () => {
      await store().commit({ outbox: [outboxRow()] });
      await store().markOutboxFailed('out-1', 'returned: NO_ROUTE');
      await store().markOutboxFailed('out-1', 'nack');
      expect(await store().pendingOutbox(10)).toEqual([
        outboxRow({ attempts: 2, lastError: 'nack' }),
      ]);
    });

    it('requeues sent rows: pending again, sentAt cleared, in their original place', async () => {
      await store().commit({ outbox: ['a', 'b', 'c'].map((id) => outboxRow({ id })) });
      await store().markOutboxSent(['a', 'b'], at(1));
      await store().requeueOutbox(['a', 'unknown']);
      await store().requeueOutbox([]);
      expect(ids(await store().pendingOutbox(10))).toEqual(['a', 'c']);
      const [a] = await store().getOutbox(['a']);
      expect(a).toMatchObject({ state: 'PENDING', sentAt: null });
    });
  });

  describe('parked events', () => {
    it('lists the events of one invoice in arrival order', async () => {
      await store().commit({
        parkedAdd: [
          parkedEvent({ id: 'p2', parkedAt: at(5) }),
          parkedEvent({ id: 'other', invoiceNumber: 'INV-2' }),
          parkedEvent({ id: 'other-source', source: 'erp-b' }),
        ],
      });
      await store().commit({ parkedAdd: [parkedEvent({ id: 'p1', parkedAt: at(1) })] });
      expect(ids(await store().parkedFor('erp-a', 'INV-1'))).toEqual(['p2', 'p1']);
      expect(await store().parkedFor('erp-a', 'INV-404')).toEqual([]);
    });

    it('lists all parked events oldest first, filtered by age, with a limit', async () => {
      await store().commit({
        parkedAdd: [
          parkedEvent({ id: 'late', parkedAt: at(9) }),
          parkedEvent({ id: 'early', invoiceNumber: 'INV-2', parkedAt: at(1) }),
          parkedEvent({ id: 'mid', invoiceNumber: 'INV-3', parkedAt: at(5) }),
        ],
      });
      expect(ids(await store().listParked({}))).toEqual(['early', 'mid', 'late']);
      expect(ids(await store().listParked({ parkedBefore: at(5) }))).toEqual(['early']);
      expect(ids(await store().listParked({ parkedBefore: at(6), limit: 1 }))).toEqual(['early']);
    });

    it('removes parked events by id, ignoring unknown ids', async () => {
      await store().commit({ parkedAdd: [parkedEvent({ id: 'a' }), parkedEvent({ id: 'b' })] });
      await store().commit({ parkedRemove: ['a', 'unknown'] });
      expect(ids(await store().listParked({}))).toEqual(['b']);
      expect((await store().counts()).parked).toBe(1);
    });
  });
}
