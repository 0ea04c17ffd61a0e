/**
 * The distribution poll (GET /invoice/distribution, agency-api §5.4): reads the invoice-date
 * window of the last `distributionWindowDays` page by page. A record whose status differs from
 * the stored one gives `distribution.updated` (id from invoice + status, so a re-run sends nothing
 * new); a case id learned here is stored and releases the head of the invoice's parked line, in
 * the same commit as the page's events and the cursor.
 */
import type {
  InvoiceRecord,
  OutboxRow,
  ParkedEvent,
  StoreChanges,
} from '../../adapters/store/index.ts';
import type { DistributionRecord } from '../../adapters/agency/index.ts';
import { releaseRow, RETRYING } from '../pipeline/parking.ts';
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

export const DISTRIBUTION_CURSOR = 'poller:distribution';

interface DistributionCursor {
  /** The window of the run in progress (kept so a crashed run resumes it). */
  from: string;
  to: string;
  /** First invoice date not yet read; past `to` when the window is done. */
  next: string;
}

function releaseHead(line: ParkedEvent[], queue: string, now: Date): OutboxRow[] {
  const head = line[0];
  if (!head || head.reason.startsWith(RETRYING)) return [];
  return [releaseRow(head, queue, now)];
}

export async function runDistributionPoll(deps: PollerDeps): Promise<RunOutcome> {
  const { store, config } = deps;
  const counter = createCallCounter();
  const today = isoDate(deps.now());
  const stored = (await store.getCursor(DISTRIBUTION_CURSOR))?.value as DistributionCursor | null;
  const resume = stored && stored.next <= stored.to ? stored : null;
  const window = resume ?? {
    from: addDays(today, -config.pollers.distributionWindowDays),
    to: today,
    next: addDays(today, -config.pollers.distributionWindowDays),
  };
  const detail = { records: 0, unchanged: 0, unknownInvoice: 0, caseIdsLearned: 0, released: 0 };
  let events = 0;
  let cursor: DistributionCursor = window;
  for (const page of pages(window.next, window.to, config.pollers.pageDays)) {
    if (deps.signal.aborted) return { calls: counter.calls, events, cursor, detail, stopped: true };
    const answer = await counter.count(
      deps.agency.getDistribution(
        { fromInvDate: page.from, toInvDate: page.to },
        { priority: 'poll', signal: deps.signal },
      ),
    );
    const now = deps.now();
    const invoices: InvoiceRecord[] = [];
    const outbox: OutboxRow[] = [];
    for (const record of answer.distributions) {
      detail.records += 1;
      const changed = await applyRecord(deps, record, now, invoices, outbox, detail);
      if (!changed) detail.unchanged += 1;
    }
    cursor = { from: window.from, to: window.to, next: addDays(page.to, 1) };
    const changes: StoreChanges = {
      invoices: await freshWith(store, invoices, ['caseId', 'distributionStatus', 'updatedAt']),
      outbox,
      cursors: [{ name: DISTRIBUTION_CURSOR, value: cursor, updatedAt: now.toISOString() }],
    };
    await store.commit(changes);
    events += outbox.filter((r) => r.exchange === config.broker.outboundExchange).length;
    await deps.relay.publishRows(outbox);
  }
  return { calls: counter.calls, events, cursor, detail };
}

async function applyRecord(
  deps: PollerDeps,
  record: DistributionRecord,
  now: Date,
  invoices: InvoiceRecord[],
  outbox: OutboxRow[],
  detail: Record<string, number>,
): Promise<boolean> {
  const { store, config } = deps;
  const pending = invoices.find((i) => i.invoiceNumber === record.invoiceNumber);
  const owner = pending
    ? { source: pending.source, invoice: pending }
    : await ownerOf(store, config, record.invoiceNumber, null);
  const invoice = owner.invoice;
  if (!invoice || invoice.status !== 'CREATED') {
    detail.unknownInvoice = (detail.unknownInvoice ?? 0) + 1;
    return false;
  }
  const learnedCase = !invoice.caseId && record.caseId ? record.caseId : null;
  const newStatus = record.status.toUpperCase();
  if (!learnedCase && invoice.distributionStatus === newStatus) return false;
  const data =
    invoice.distributionStatus === newStatus
      ? null
      : await deps.mapper.mapOutbound(adapterOf(config, owner.source), 'distribution.updated', {
          record,
          now: now.toISOString(),
        });
  if (data) {
    outbox.push(
      newsRow(config, now, owner.source, 'distribution.updated', data, invoice.invoiceNumber, [
        invoice.invoiceNumber,
        newStatus,
      ]),
    );
  }
  const updated: InvoiceRecord = {
    ...invoice,
    caseId: invoice.caseId ?? record.caseId,
    distributionStatus: newStatus,
    updatedAt: now.toISOString(),
  };
  if (learnedCase) {
    detail.caseIdsLearned = (detail.caseIdsLearned ?? 0) + 1;
    const line = await store.parkedFor(owner.source, invoice.invoiceNumber);
    const release = releaseHead(line, deps.inboundQueue(owner.source), now);
    detail.released = (detail.released ?? 0) + release.length;
    outbox.push(...release);
  }
  const at = invoices.indexOf(pending as InvoiceRecord);
  if (at >= 0) invoices[at] = updated;
  else invoices.push(updated);
  return true;
}
