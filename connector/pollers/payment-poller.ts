/**
 * The payment poll (GET /payments, agency-api §6.1): provisional allocations of debtor payments.
 * The window starts `paymentsOverlapDays` before the end of the previous run's window (a late
 * booking is not missed) and is read page by page; each allocation is keyed by the agency's
 * allocation id (else by invoice, date, amount, reference and booking date), stored as news and
 * published once as `payment.allocated` with an id from that key: a re-read drops it. The invoice
 * gets `lastActivityAt`, which moves its case up in the next case poll.
 */
import type { PaymentRecord } from '../../adapters/agency/index.ts';
import type { InvoiceRecord, NewsItem, OutboxRow } from '../../adapters/store/index.ts';
import {
  adapterOf,
  addDays,
  createCallCounter,
  freshWith,
  isoDate,
  newsRow,
  ownerOf,
  pages,
} from './poll-support.ts';
import type { PollerDeps, RunOutcome } from './types.ts';

export const PAYMENTS_CURSOR = 'poller:payments';
/** First run: how far back to read. */
const FIRST_RUN_DAYS = 30;

interface PaymentsCursor {
  /** Last day read completely (inclusive). */
  readTo: string;
}

export function paymentKey(p: PaymentRecord): string {
  if (p.allocationId) return `allocation:${p.allocationId}`;
  return [
    'derived',
    p.invoiceNumber,
    p.paymentDate.slice(0, 10),
    p.amount,
    p.currency,
    p.invoicePaymentReference ?? p.originalPaymentReference ?? '',
    p.bookingDate ?? '',
  ].join('|');
}

export async function runPaymentPoll(deps: PollerDeps): Promise<RunOutcome> {
  const { store, config } = deps;
  const counter = createCallCounter();
  const today = isoDate(deps.now());
  const stored = (await store.getCursor(PAYMENTS_CURSOR))?.value as PaymentsCursor | null;
  const from = stored
    ? addDays(stored.readTo, -config.pollers.paymentsOverlapDays)
    : addDays(today, -FIRST_RUN_DAYS);
  const detail = { records: 0, duplicates: 0, published: 0 };
  let events = 0;
  let cursor: PaymentsCursor | null = stored;
  for (const page of pages(from, today, config.pollers.pageDays)) {
    if (deps.signal.aborted) return { calls: counter.calls, events, cursor, detail, stopped: true };
    const records = await counter.count(
      deps.agency.getPayments(
        { fromDate: page.from, toDate: page.to },
        { priority: 'poll', signal: deps.signal },
      ),
    );
    const now = deps.now();
    const nowIso = now.toISOString();
    const news: NewsItem[] = [];
    const outbox: OutboxRow[] = [];
    const invoices: InvoiceRecord[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      detail.records += 1;
      const key = paymentKey(record);
      if (seen.has(key) || (await store.getNews('payment', key))) {
        detail.duplicates += 1;
        continue;
      }
      seen.add(key);
      const owner = await ownerOf(store, config, record.invoiceNumber, record.caseId);
      const data = await deps.mapper.mapOutbound(
        adapterOf(config, owner.source),
        'payment.allocated',
        { payment: record },
      );
      news.push({ kind: 'payment', key, body: record, receivedAt: nowIso, publishedAt: nowIso });
      if (data) {
        outbox.push(
          newsRow(config, now, owner.source, 'payment.allocated', data, record.invoiceNumber, [
            key,
          ]),
        );
      }
      if (owner.invoice && !invoices.some((i) => i === owner.invoice)) {
        invoices.push({ ...owner.invoice, lastActivityAt: nowIso, updatedAt: nowIso });
      }
    }
    const readTo = page.to < today ? page.to : addDays(today, -1);
    cursor = { readTo: stored && stored.readTo > readTo ? stored.readTo : readTo };
    await store.commit({
      news,
      outbox,
      invoices: await freshWith(store, invoices, ['lastActivityAt', 'updatedAt']),
      cursors: [{ name: PAYMENTS_CURSOR, value: cursor, updatedAt: nowIso }],
    });
    events += outbox.length;
    detail.published += outbox.length;
    await deps.relay.publishRows(outbox);
  }
  return { calls: counter.calls, events, cursor, detail };
}
