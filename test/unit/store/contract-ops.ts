/** Store contract: dead letters, news, cursors, debt-collection tasks, audit. */
import { describe, expect, it } from 'vitest';
import type { DeadLetterFilter } from '../../../adapters/store/types.ts';
import { at, auditEntry, deadLetter, ids, newsItem, task, type CurrentStore } from './fixtures.ts';

export function opsContract(store: CurrentStore): void {
  describe('dead letters', () => {
    it('upserts by replacing the whole row (resolution)', async () => {
      await store().commit({ deadLetters: [deadLetter({ mappedRequest: { a: 1 } })] });
      const resolved = deadLetter({
        status: 'REPLAYED',
        resolvedBy: 'operator-1',
        resolvedAt: at(10),
        resolution: 'replayed',
        mappedRequest: null,
      });
      await store().commit({ deadLetters: [resolved] });
      expect(await store().getDeadLetter('dl-1')).toEqual(resolved);
      expect(await store().getDeadLetter('dl-404')).toBeNull();
    });

    it('filters by source, type, reason, status and date range; newest first; pages', async () => {
      await store().commit({
        deadLetters: [
          deadLetter({ id: 'd1', deadAt: at(1) }),
          deadLetter({ id: 'd2', deadAt: at(2), source: 'erp-b' }),
          deadLetter({
            id: 'd3',
            deadAt: at(3),
            type: 'payment.registered',
            reason: 'agency_rejected',
          }),
          deadLetter({ id: 'd4', deadAt: at(4), status: 'DISCARDED' }),
          deadLetter({
            id: 'd5',
            deadAt: at(5),
            type: null,
            messageId: null,
            reason: 'retries_exhausted',
          }),
        ],
      });
      const list = async (f: DeadLetterFilter) => ids(await store().listDeadLetters(f));
      expect(await list({})).toEqual(['d5', 'd4', 'd3', 'd2', 'd1']);
      expect(await list({ source: 'erp-b' })).toEqual(['d2']);
      expect(await list({ type: 'payment.registered' })).toEqual(['d3']);
      expect(await list({ reason: 'agency_rejected' })).toEqual(['d3']);
      expect(await list({ status: 'DISCARDED' })).toEqual(['d4']);
      expect(await list({ status: 'OPEN', source: 'erp-a' })).toEqual(['d5', 'd3', 'd1']);
      // `from` inclusive, `to` exclusive
      expect(await list({ from: at(2), to: at(4) })).toEqual(['d3', 'd2']);
      expect(await list({ from: at(4) })).toEqual(['d5', 'd4']);
      expect(await list({ to: at(2) })).toEqual(['d1']);
      expect(await list({ limit: 2 })).toEqual(['d5', 'd4']);
      expect(await list({ limit: 2, offset: 2 })).toEqual(['d3', 'd2']);
      expect(await list({ offset: 4 })).toEqual(['d1']);
      expect(await list({ limit: 0 })).toEqual([]);
      await expect(store().listDeadLetters({ offset: -1 })).rejects.toThrow(RangeError);
    });
  });

  describe('news', () => {
    it('inserts an item once: later inserts of the same (kind, key) change nothing', async () => {
      await store().commit({ news: [newsItem({ body: { v: 1 } })] });
      await store().commit({ newsPublished: [{ kind: 'settlement', key: 'set-1', at: at(1) }] });
      await store().commit({ news: [newsItem({ body: { v: 2 }, publishedAt: null })] });
      expect(await store().getNews('settlement', 'set-1')).toEqual(
        newsItem({ body: { v: 1 }, publishedAt: at(1) }),
      );
      expect(await store().getNews('payment', 'set-1')).toBeNull();
    });

    it('keeps JSON bodies of any shape', async () => {
      const bodies = [
        {},
        [],
        'text',
        42,
        null,
        { nested: { list: [1, 'two', { three: 3 }], empty: {} } },
      ];
      await store().commit({ news: bodies.map((body, i) => newsItem({ key: `k${i}`, body })) });
      for (const [i, body] of bodies.entries()) {
        expect((await store().getNews('settlement', `k${i}`))?.body).toEqual(body);
      }
    });

    it('lists the unpublished items of a kind, oldest first, until they are marked published', async () => {
      await store().commit({
        news: [
          newsItem({ key: 'late', receivedAt: at(9) }),
          newsItem({ key: 'early', receivedAt: at(1) }),
          newsItem({ key: 'other-kind', kind: 'payment', receivedAt: at(0) }),
          newsItem({ key: 'mid', receivedAt: at(5) }),
        ],
      });
      const keys = async (limit: number) =>
        (await store().unpublishedNews('settlement', limit)).map((n) => n.key);
      expect(await keys(10)).toEqual(['early', 'mid', 'late']);
      expect(await keys(1)).toEqual(['early']);
      await store().commit({ newsPublished: [{ kind: 'settlement', key: 'mid', at: at(10) }] });
      expect(await keys(10)).toEqual(['early', 'late']);
      expect((await store().unpublishedNews('payment', 10)).map((n) => n.key)).toEqual([
        'other-kind',
      ]);
    });

    it('publishes an item in the commit that inserts it', async () => {
      await store().commit({
        news: [newsItem()],
        newsPublished: [{ kind: 'settlement', key: 'set-1', at: at(2) }],
      });
      expect(await store().unpublishedNews('settlement', 10)).toEqual([]);
      expect((await store().getNews('settlement', 'set-1'))?.publishedAt).toBe(at(2));
    });
  });

  describe('cursors', () => {
    it('stores a JSON value per name and replaces it on the next commit', async () => {
      expect(await store().getCursor('payments')).toBeNull();
      await store().commit({
        cursors: [{ name: 'payments', value: { page: 1 }, updatedAt: at(1) }],
      });
      await store().commit({
        cursors: [{ name: 'payments', value: 'opaque-token', updatedAt: at(2) }],
      });
      await store().commit({ cursors: [{ name: 'settlements', value: 17, updatedAt: at(3) }] });
      expect(await store().getCursor('payments')).toEqual({
        name: 'payments',
        value: 'opaque-token',
        updatedAt: at(2),
      });
      expect((await store().getCursor('settlements'))?.value).toBe(17);
    });
  });

  describe('debt-collection tasks', () => {
    it('upserts by replacing the whole task', async () => {
      await store().commit({ tasks: [task()] });
      const collected = task({
        state: 'COLLECTED',
        sentAt: at(1),
        lastCheckedAt: at(2),
        result: {
          collectedAmount: '10.00',
          documentId: 'doc-1',
          paymentDate: '2026-03-02',
          credited: true,
        },
        transitions: [
          { at: at(0), from: null, to: 'PENDING_APPROVAL', cause: 'requested' },
          { at: at(1), from: 'PENDING_APPROVAL', to: 'SENT', cause: 'approved' },
          { at: at(2), from: 'SENT', to: 'COLLECTED', cause: 'payment' },
        ],
        updatedAt: at(2),
      });
      await store().commit({ tasks: [collected] });
      expect(await store().getTask('task-1')).toEqual(collected);
      expect(await store().getTask('task-404')).toBeNull();
    });

    it('finds the newest task of an invoice', async () => {
      await store().commit({
        tasks: [
          task({ id: 'new', createdAt: at(5) }),
          task({ id: 'old', state: 'CANCELLED', createdAt: at(1) }),
          task({ id: 'elsewhere', invoiceNumber: 'INV-2', createdAt: at(9) }),
        ],
      });
      expect((await store().getTaskByInvoice('atomia', 'INV-1'))?.id).toBe('new');
      expect(await store().getTaskByInvoice('atomia', 'INV-404')).toBeNull();
    });

    it('lists by state and by source, oldest first, with a limit', async () => {
      await store().commit({
        tasks: [
          task({ id: 't3', invoiceNumber: 'I3', state: 'SENT', createdAt: at(3) }),
          task({ id: 't1', invoiceNumber: 'I1', state: 'SENT', createdAt: at(1) }),
          task({ id: 't2', invoiceNumber: 'I2', state: 'APPROVED', createdAt: at(2) }),
          task({ id: 't4', invoiceNumber: 'I4', source: 'other', state: 'SENT', createdAt: at(4) }),
        ],
      });
      expect(ids(await store().listTasks({ state: 'SENT' }))).toEqual(['t1', 't3', 't4']);
      expect(ids(await store().listTasks({ state: 'SENT', source: 'atomia' }))).toEqual([
        't1',
        't3',
      ]);
      expect(ids(await store().listTasks({ state: 'SENT', limit: 1 }))).toEqual(['t1']);
      expect(ids(await store().listTasks({ source: 'atomia' }))).toEqual(['t1', 't2', 't3']);
      expect(ids(await store().listTasks({}))).toEqual(['t1', 't2', 't3', 't4']);
    });
  });

  describe('audit', () => {
    it('lists entries newest first with a limit; an entry id is written once', async () => {
      await store().commit({
        audit: [auditEntry({ id: 'a1', at: at(1) }), auditEntry({ id: 'a3', at: at(3) })],
      });
      await store().commit({ audit: [auditEntry({ id: 'a2', at: at(2) })] });
      await store().commit({ audit: [auditEntry({ id: 'a1', at: at(1), detail: 'rewritten' })] });
      expect(ids(await store().listAudit({}))).toEqual(['a3', 'a2', 'a1']);
      expect(ids(await store().listAudit({ limit: 2 }))).toEqual(['a3', 'a2']);
      expect((await store().listAudit({})).at(-1)?.detail).toBe('replayed from dashboard');
    });
  });
}
