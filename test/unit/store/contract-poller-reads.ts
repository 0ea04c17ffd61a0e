/** Store contract: the case poller's reads (countInvoices, dueBefore, activitySinceCheckOnly) and task documents. */
import { describe, expect, it } from 'vitest';
import { at, invoice, task, type CurrentStore } from './fixtures.ts';

export function pollerReadsContract(store: CurrentStore): void {
  describe('case poller reads', () => {
    const rows = () => [
      invoice({ invoiceNumber: 'A', caseId: '1', dueDate: '2026-03-01', lastCheckedAt: at(5) }),
      invoice({ invoiceNumber: 'B', caseId: '2', dueDate: '2026-05-01', lastCheckedAt: null }),
      invoice({
        invoiceNumber: 'C',
        caseId: '3',
        dueDate: '2026-03-15',
        lastCheckedAt: at(1),
        lastActivityAt: at(2),
      }),
      invoice({ invoiceNumber: 'D', caseId: '4', closed: true, lastCheckedAt: at(0) }),
      invoice({ invoiceNumber: 'E', caseId: null }),
    ];

    it('counts with the same filter as listInvoices', async () => {
      await store().commit({ invoices: rows() });
      expect(await store().countInvoices({})).toBe(5);
      expect(await store().countInvoices({ openCasesOnly: true })).toBe(3);
      expect(await store().countInvoices({ withoutCaseOnly: true })).toBe(1);
      expect(await store().countInvoices({ openCasesOnly: true, limit: 1 })).toBe(3);
    });

    it('filters past due and activity since the last check, longest unchecked first', async () => {
      await store().commit({ invoices: rows() });
      const due = await store().listInvoices({ openCasesOnly: true, dueBefore: '2026-04-01' });
      expect(due.map((i) => i.invoiceNumber)).toEqual(['C', 'A']);
      const active = await store().listInvoices({
        openCasesOnly: true,
        activitySinceCheckOnly: true,
      });
      expect(active.map((i) => i.invoiceNumber)).toEqual(['B', 'C']);
      expect(await store().countInvoices({ openCasesOnly: true, dueBefore: '2026-04-01' })).toBe(2);
    });
  });

  describe('task document', () => {
    it('keeps the invoice a request carried, null when absent', async () => {
      const doc = { invoiceNumber: '100', totals: { gross: '10.00' } };
      await store().commit({ tasks: [task({ document: doc }), task({ id: 'task-2' })] });
      expect((await store().getTask('task-1'))?.document).toEqual(doc);
      expect((await store().getTask('task-2'))?.document).toBeNull();
    });
  });
}
