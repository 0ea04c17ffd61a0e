/** Store contract: commit (every field, atomicity), inbox and invoices. */
import { describe, expect, it } from 'vitest';
import type { StoreChanges } from '../../../adapters/store/types.ts';
import {
  at,
  auditEntry,
  deadLetter,
  inboxEntry,
  invoice,
  newsItem,
  outboxRow,
  parkedEvent,
  task,
  type CurrentStore,
} from './fixtures.ts';

export function commitContract(store: CurrentStore): void {
  describe('commit', () => {
    it('accepts an empty change set', async () => {
      await store().commit({});
      await store().commit({ inbox: [], outbox: [], parkedRemove: [], newsPublished: [] });
      expect((await store().counts()).outboxPending).toBe(0);
    });

    it('writes every StoreChanges field and reads each back as given', async () => {
      const changes = {
        inbox: [inboxEntry({ resultIds: ['out-1', 'out-2'], outcome: 'accepted', state: 'DONE' })],
        invoices: [invoice({ caseId: '12345', balanceTotal: '100.00', lastCheckedAt: at(3) })],
        outbox: [outboxRow()],
        parkedAdd: [parkedEvent()],
        deadLetters: [
          deadLetter({
            mappedRequest: {
              invoiceNumber: 'INV-1',
              lines: [{ amount: 1.5 }],
              flag: true,
              none: null,
            },
            agencyAnswers: [
              { at: at(1), method: 'POST', path: '/invoice', status: 400, summary: 'bad date' },
            ],
          }),
        ],
        news: [newsItem()],
        cursors: [{ name: 'settlements', value: { page: 3, since: at(2) }, updatedAt: at(2) }],
        tasks: [task({ result: { collectedAmount: '10.00', credited: false } })],
        audit: [auditEntry()],
      } satisfies StoreChanges;
      await store().commit(changes);

      const s = store();
      expect(await s.getInbox('erp-a', 'msg-1')).toEqual(changes.inbox[0]);
      expect(await s.getInvoice('erp-a', 'INV-1')).toEqual(changes.invoices[0]);
      expect(await s.getOutbox(['out-1'])).toEqual(changes.outbox);
      expect(await s.parkedFor('erp-a', 'INV-1')).toEqual(changes.parkedAdd);
      expect(await s.getDeadLetter('dl-1')).toEqual(changes.deadLetters[0]);
      expect(await s.getNews('settlement', 'set-1')).toEqual(changes.news[0]);
      expect(await s.getCursor('settlements')).toEqual(changes.cursors[0]);
      expect(await s.getTask('task-1')).toEqual(changes.tasks[0]);
      expect(await s.listAudit({})).toEqual(changes.audit);
    });

    it('leaves nothing behind when a commit fails part-way (duplicate parked id)', async () => {
      const before = invoice({ paidAmount: '0.00' });
      await store().commit({ invoices: [before], parkedAdd: [parkedEvent({ id: 'park-x' })] });

      const failing: StoreChanges = {
        inbox: [inboxEntry({ messageId: 'msg-new' })],
        invoices: [invoice({ paidAmount: '50.00' })],
        outbox: [outboxRow({ id: 'out-new' })],
        parkedRemove: ['park-x'],
        parkedAdd: [
          parkedEvent({ id: 'park-y' }),
          parkedEvent({ id: 'park-y', messageId: 'again' }),
        ],
        deadLetters: [deadLetter({ id: 'dl-new' })],
        news: [newsItem({ key: 'set-new' })],
        cursors: [{ name: 'c', value: 1, updatedAt: at(1) }],
        tasks: [task({ id: 'task-new' })],
        audit: [auditEntry({ id: 'audit-new' })],
      };
      await expect(store().commit(failing)).rejects.toThrow();

      const s = store();
      expect(await s.getInbox('erp-a', 'msg-new')).toBeNull();
      expect(await s.getInvoice('erp-a', 'INV-1')).toEqual(before);
      expect(await s.getOutbox(['out-new'])).toEqual([]);
      expect((await s.parkedFor('erp-a', 'INV-1')).map((p) => p.id)).toEqual(['park-x']);
      expect(await s.getDeadLetter('dl-new')).toBeNull();
      expect(await s.getNews('settlement', 'set-new')).toBeNull();
      expect(await s.getCursor('c')).toBeNull();
      expect(await s.getTask('task-new')).toBeNull();
      expect(await s.listAudit({})).toEqual([]);
    });

    it('fails a parkedAdd whose id already exists, and keeps working afterwards', async () => {
      await store().commit({ parkedAdd: [parkedEvent({ id: 'p' })] });
      await expect(
        store().commit({ outbox: [outboxRow({ id: 'o' })], parkedAdd: [parkedEvent({ id: 'p' })] }),
      ).rejects.toThrow();
      expect(await store().getOutbox(['o'])).toEqual([]);
      await store().commit({ outbox: [outboxRow({ id: 'o' })] });
      expect((await store().getOutbox(['o'])).length).toBe(1);
    });

    it('removes parked events before adding, so one commit can re-park under the same id', async () => {
      await store().commit({ parkedAdd: [parkedEvent({ id: 'p', reason: 'first' })] });
      await store().commit({
        parkedRemove: ['p'],
        parkedAdd: [parkedEvent({ id: 'p', reason: 'again' })],
      });
      expect((await store().parkedFor('erp-a', 'INV-1')).map((p) => p.reason)).toEqual(['again']);
    });
  });

  describe('inbox', () => {
    it('returns null for an unknown entry and keys entries by (source, messageId)', async () => {
      await store().commit({
        inbox: [
          inboxEntry({ source: 'erp-a', type: 'a' }),
          inboxEntry({ source: 'erp-b', type: 'b' }),
        ],
      });
      expect(await store().getInbox('erp-a', 'unknown')).toBeNull();
      expect((await store().getInbox('erp-a', 'msg-1'))?.type).toBe('a');
      expect((await store().getInbox('erp-b', 'msg-1'))?.type).toBe('b');
    });

    it('upserts by replacing the whole entry', async () => {
      await store().commit({
        inbox: [inboxEntry({ state: 'IN_FLIGHT', attempts: 1, outcome: 'x', resultIds: ['a'] })],
      });
      const replaced = inboxEntry({
        state: 'UNKNOWN',
        attempts: 2,
        attemptStartedAt: at(5),
        updatedAt: at(5),
      });
      await store().commit({ inbox: [replaced] });
      expect(await store().getInbox('erp-a', 'msg-1')).toEqual(replaced);
    });

    it('lists entries in a state, oldest first, with a limit', async () => {
      await store().commit({
        inbox: [
          inboxEntry({ messageId: 'm3', state: 'MANUAL_REVIEW', createdAt: at(3) }),
          inboxEntry({ messageId: 'm1', state: 'MANUAL_REVIEW', createdAt: at(1) }),
          inboxEntry({ messageId: 'm2', state: 'DONE', createdAt: at(2) }),
          inboxEntry({ messageId: 'm4', state: 'MANUAL_REVIEW', createdAt: at(4) }),
        ],
      });
      const ids = async (f: Parameters<ReturnType<CurrentStore>['listInbox']>[0]) =>
        (await store().listInbox(f)).map((e) => e.messageId);
      expect(await ids({ state: 'MANUAL_REVIEW' })).toEqual(['m1', 'm3', 'm4']);
      expect(await ids({ state: 'MANUAL_REVIEW', limit: 2 })).toEqual(['m1', 'm3']);
      expect(await ids({ state: 'UNKNOWN' })).toEqual([]);
      expect(await ids({})).toEqual(['m1', 'm2', 'm3', 'm4']);
    });
  });

  describe('invoices', () => {
    it('upserts by replacing the whole record, nulls included', async () => {
      await store().commit({
        invoices: [invoice({ caseId: '7', caseStatus: 'OPEN', closed: true })],
      });
      const replaced = invoice({
        caseId: null,
        currency: null,
        grossAmount: null,
        dueDate: null,
        updatedAt: at(9),
      });
      await store().commit({ invoices: [replaced] });
      expect(await store().getInvoice('erp-a', 'INV-1')).toEqual(replaced);
      expect(await store().getInvoice('erp-a', 'INV-2')).toBeNull();
    });

    it('finds an invoice by its case id', async () => {
      await store().commit({
        invoices: [
          invoice({ invoiceNumber: 'A', caseId: '100' }),
          invoice({ invoiceNumber: 'B', caseId: '200' }),
        ],
      });
      expect((await store().getInvoiceByCaseId('200'))?.invoiceNumber).toBe('B');
      expect(await store().getInvoiceByCaseId('300')).toBeNull();
    });

    it('lists by source, open cases or missing case, never-checked first then oldest check', async () => {
      await store().commit({
        invoices: [
          invoice({ invoiceNumber: 'open-late', caseId: '1', lastCheckedAt: at(9) }),
          invoice({ invoiceNumber: 'open-never', caseId: '2', lastCheckedAt: null }),
          invoice({ invoiceNumber: 'open-early', caseId: '3', lastCheckedAt: at(1) }),
          invoice({ invoiceNumber: 'closed', caseId: '4', closed: true, lastCheckedAt: null }),
          invoice({ invoiceNumber: 'no-case', caseId: null, lastCheckedAt: at(5) }),
          invoice({ source: 'erp-b', invoiceNumber: 'other', caseId: '5', lastCheckedAt: at(2) }),
        ],
      });
      const list = async (f: Parameters<ReturnType<CurrentStore>['listInvoices']>[0]) =>
        (await store().listInvoices(f)).map((i) => i.invoiceNumber);
      expect(await list({ openCasesOnly: true })).toEqual([
        'open-never',
        'open-early',
        'other',
        'open-late',
      ]);
      expect(await list({ openCasesOnly: true, source: 'erp-a' })).toEqual([
        'open-never',
        'open-early',
        'open-late',
      ]);
      expect(await list({ openCasesOnly: true, limit: 2 })).toEqual(['open-never', 'open-early']);
      expect(await list({ withoutCaseOnly: true })).toEqual(['no-case']);
      expect(await list({ source: 'erp-b' })).toEqual(['other']);
      expect(await list({})).toEqual([
        'closed',
        'open-never',
        'open-early',
        'other',
        'no-case',
        'open-late',
      ]);
    });
  });
}
