/**
 * The case poll's budget and priority: every open case checked within caseFullCycleRuns runs,
 * slack spent on cases with activity and past due, closed cases never read, unchanged cases
 * silent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseDetails } from '../../../adapters/agency/index.ts';
import type { InvoiceRecord, Store } from '../../../adapters/store/index.ts';
import { selectCases } from '../../../connector/pollers/index.ts';
import { fakeAgency, fakePollers } from './fake-deps.ts';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

function record(n: number, o: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const at = '2026-11-01T00:00:00.000Z';
  return {
    source: 'acme',
    invoiceNumber: String(100000 + n),
    status: 'CREATED',
    caseId: String(500000 + n),
    currency: 'EUR',
    grossAmount: '10.00',
    paidAmount: '0.00',
    dueDate: '2026-12-30',
    distributionStatus: 'DELIVERED',
    caseStatus: 'OPEN',
    caseStage: 'INVOICE',
    balanceTotal: '10.00',
    document: null,
    closed: false,
    lastCheckedAt: null,
    lastActivityAt: null,
    createdAt: at,
    updatedAt: at,
    ...o,
  };
}

const openCase = (caseId: string): CaseDetails => ({
  caseId,
  invoiceNumber: null,
  status: 'OPEN',
  stage: 'INVOICE',
  createdAt: null,
  closedAt: null,
  dueDate: null,
  currency: 'EUR',
  balance: { capital: '10.00', interest: '0.00', costs: '0.00', total: '10.00' },
  payments: [],
  events: [],
});

describe('case poller budget', () => {
  it('checks every open case within caseFullCycleRuns runs, never a closed one, silently when unchanged', async () => {
    const agency = fakeAgency({ getCase: openCase });
    const t = await fakePollers(agency, {
      pollers: { caseMaxCallsPerRun: 100, caseFullCycleRuns: 10 },
    });
    stores.push(t.store);
    const rows = Array.from({ length: 1000 }, (_, i) => record(i));
    rows.push(record(5000, { closed: true, caseStatus: 'PAID' }));
    await t.store.commit({ invoices: rows });
    for (let run = 0; run < 10; run += 1) {
      const summary = await t.pollers.runNow('cases');
      expect(summary.calls).toBe(100);
    }
    const unchecked = await t.store.listInvoices({ openCasesOnly: true, limit: 5 });
    expect(unchecked.filter((i) => i.lastCheckedAt === null)).toEqual([]);
    expect(await t.store.countInvoices({ openCasesOnly: true })).toBe(1000);
    expect((await t.store.getInvoice('acme', '105000'))?.lastCheckedAt).toBeNull();
    expect(t.events()).toEqual([]);
  });

  it('spends the slack on cases with activity since their check, then past due', async () => {
    const t = await fakePollers(fakeAgency({ getCase: openCase }));
    stores.push(t.store);
    const checked = (m: number) => `2026-12-0${m}T00:00:00.000Z`;
    const rows = Array.from({ length: 100 }, (_, i) =>
      record(i, { lastCheckedAt: checked(1 + (i % 5)) }),
    );
    rows[90] = record(90, {
      lastCheckedAt: checked(9),
      lastActivityAt: '2026-12-09T12:00:00.000Z',
    });
    rows[91] = record(91, { lastCheckedAt: checked(9), dueDate: '2026-12-01' });
    await t.store.commit({ invoices: rows });
    const picked = await selectCases(t.store, 30, 10, '2026-12-10');
    expect(picked.open).toBe(100);
    expect(picked.rotation).toBe(10);
    const numbers = picked.cases.map((c) => c.invoiceNumber);
    expect(numbers).toHaveLength(30);
    expect(numbers).toContain('100090');
    expect(numbers).toContain('100091');
    // With no slack (open / cycle = budget) the whole budget rotates.
    const strict = await selectCases(t.store, 10, 10, '2026-12-10');
    expect(strict.rotation).toBe(10);
    expect(strict.cases.map((c) => c.invoiceNumber)).not.toContain('100090');
  });

  it('a changed case gives one case.updated with a deterministic id', async () => {
    let status = 'OPEN';
    const t = await fakePollers(fakeAgency({ getCase: (id) => ({ ...openCase(id), status }) }));
    stores.push(t.store);
    await t.store.commit({ invoices: [record(1)] });
    await t.pollers.runNow('cases');
    expect(t.events()).toEqual([]);
    status = 'PARTIALLY_PAID';
    await t.pollers.runNow('cases');
    await t.pollers.runNow('cases');
    const updates = t.events('case.updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.data).toMatchObject({
      status: 'PARTIALLY_PAID',
      previous: { status: 'OPEN' },
    });
  });
});
