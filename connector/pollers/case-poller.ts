/**
 * The case poll (GET /invoice/case, agency-api §5.3) over the cases `selectCases` picks. A case
 * whose status, stage and balance total are unchanged gives nothing; a change gives
 * `case.updated` (id from the case and its previous and new state, so a re-run sends nothing
 * new). Every read case gets `lastCheckedAt`; a case that reached an end state is marked closed
 * and never read again. Results are committed per page of cases with the cursor.
 */
import { Decimal } from 'decimal.js';
import type { CaseDetails } from '../../adapters/agency/index.ts';
import type { InvoiceRecord, OutboxRow } from '../../adapters/store/index.ts';
import { adapterOf, createCallCounter, freshWith, isoDate, newsRow } from './poll-support.ts';
import { selectCases } from './case-selection.ts';
import type { PollerDeps, RunOutcome } from './types.ts';

export const CASES_CURSOR = 'poller:cases';
const PAGE_SIZE = 100;
const CONCURRENCY = 8;
/** Case statuses after which nothing changes (the simulator's and spec §13's end states). */
const END_STATES = new Set(['PAID', 'WITHDRAWN', 'CLOSED']);
const CASE_FIELDS = [
  'caseStatus',
  'caseStage',
  'balanceTotal',
  'closed',
  'lastCheckedAt',
  'updatedAt',
] as const;

function isNotFound(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === 'not_found'
  );
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function runCasePoll(deps: PollerDeps): Promise<RunOutcome> {
  const { store, config } = deps;
  const counter = createCallCounter();
  const budget = config.pollers.caseMaxCallsPerRun;
  const selection = await selectCases(
    store,
    budget,
    config.pollers.caseFullCycleRuns,
    isoDate(deps.now()),
  );
  const detail = {
    open: selection.open,
    selected: selection.cases.length,
    rotation: selection.rotation,
    priority: selection.priority,
    changed: 0,
    unchanged: 0,
    closed: 0,
    notFound: 0,
  };
  let events = 0;
  let cursor: unknown = null;
  for (let i = 0; i < selection.cases.length; i += PAGE_SIZE) {
    if (deps.signal.aborted) return { calls: counter.calls, events, cursor, detail, stopped: true };
    const page = selection.cases.slice(i, i + PAGE_SIZE);
    const read = await mapLimit(page, CONCURRENCY, async (invoice) => {
      try {
        const found = await counter.count(
          deps.agency.getCase(
            { caseId: invoice.caseId ?? '' },
            { priority: 'poll', signal: deps.signal },
          ),
        );
        return { invoice, found };
      } catch (err) {
        if (isNotFound(err)) return { invoice, found: null };
        throw err;
      }
    });
    const now = deps.now();
    const invoices: InvoiceRecord[] = [];
    const outbox: OutboxRow[] = [];
    for (const { invoice, found } of read) {
      if (!found) {
        detail.notFound += 1;
        invoices.push({ ...invoice, lastCheckedAt: now.toISOString() });
        continue;
      }
      const { record, row } = await compare(deps, invoice, found, now);
      invoices.push(record);
      if (row) outbox.push(row);
      if (row) detail.changed += 1;
      else detail.unchanged += 1;
      if (record.closed) detail.closed += 1;
    }
    cursor = { runStartedAt: now.toISOString(), done: i + page.length, of: selection.cases.length };
    await store.commit({
      invoices: await freshWith(store, invoices, CASE_FIELDS),
      outbox,
      cursors: [{ name: CASES_CURSOR, value: cursor, updatedAt: now.toISOString() }],
    });
    events += outbox.length;
    await deps.relay.publishRows(outbox);
  }
  return { calls: counter.calls, events, cursor, detail };
}

function total(value: string | null): string | null {
  return value === null ? null : new Decimal(value).toFixed(2);
}

async function compare(
  deps: PollerDeps,
  invoice: InvoiceRecord,
  found: CaseDetails,
  now: Date,
): Promise<{ record: InvoiceRecord; row: OutboxRow | null }> {
  const balanceTotal = total(found.balance.total);
  const closed = END_STATES.has(found.status.toUpperCase()) || found.closedAt !== null;
  const record: InvoiceRecord = {
    ...invoice,
    caseStatus: found.status,
    caseStage: found.stage,
    balanceTotal,
    closed,
    lastCheckedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const unchanged =
    invoice.caseStatus === found.status &&
    invoice.caseStage === found.stage &&
    total(invoice.balanceTotal) === balanceTotal;
  if (unchanged) return { record, row: null };
  const previous =
    invoice.caseStatus === null && invoice.caseStage === null
      ? null
      : { status: invoice.caseStatus, stage: invoice.caseStage };
  const data = await deps.mapper.mapOutbound(
    adapterOf(deps.config, invoice.source),
    'case.updated',
    { case: found, invoiceNumber: invoice.invoiceNumber, previous },
  );
  if (!data) return { record, row: null };
  const row = newsRow(
    deps.config,
    now,
    invoice.source,
    'case.updated',
    data,
    invoice.invoiceNumber,
    [
      found.caseId,
      invoice.caseStatus ?? '-',
      invoice.caseStage ?? '-',
      total(invoice.balanceTotal) ?? '-',
      found.status,
      found.stage,
      balanceTotal ?? '-',
    ],
  );
  return { record, row };
}
