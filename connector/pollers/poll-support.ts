/**
 * Helpers every poller shares: which ERP source an agency record belongs to, outbound rows with
 * deterministic ids (same news → same id), dates of a window, and a call counter.
 */
import type { InvoiceRecord, OutboxRow, Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import { resultRow } from '../pipeline/results.ts';

export const DAY_MS = 86_400_000;

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS));
}

/** `[from, to]` split into pages of at most `pageDays` days, in order. */
export function pages(from: string, to: string, pageDays: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let start = from; start <= to; start = addDays(start, pageDays)) {
    const end = addDays(start, pageDays - 1);
    out.push({ from: start, to: end < to ? end : to });
  }
  return out;
}

export interface Owner {
  source: string;
  invoice: InvoiceRecord | null;
}

/**
 * The source an agency record belongs to: the source that holds the invoice (by case id when
 * given, else by number), else the first configured source (the agency key is one creditor).
 */
export async function ownerOf(
  store: Store,
  config: ConnectorConfig,
  invoiceNumber: string,
  caseId: string | null,
): Promise<Owner> {
  const sources = Object.keys(config.sources);
  if (caseId) {
    const byCase = await store.getInvoiceByCaseId(caseId);
    if (byCase) return { source: byCase.source, invoice: byCase };
  }
  for (const source of sources) {
    const invoice = await store.getInvoice(source, invoiceNumber);
    if (invoice) return { source, invoice };
  }
  return { source: sources[0] ?? 'default', invoice: null };
}

export function adapterOf(config: ConnectorConfig, source: string): string {
  return config.sources[source]?.adapter ?? 'generic';
}

/** An outbound event row whose id depends only on `idParts` (plus source and type). */
export function newsRow(
  config: ConnectorConfig,
  now: Date,
  source: string,
  type: string,
  data: Record<string, unknown>,
  invoiceNumber: string | null,
  idParts: string[],
): OutboxRow {
  return resultRow({ source, exchange: config.broker.outboundExchange, now }, type, data, {
    inboundId: null,
    invoiceNumber,
    idParts: [source, type, ...idParts],
  });
}

/** Counts agency calls of one run. */
export function createCallCounter() {
  let calls = 0;
  return {
    count<T>(p: Promise<T>): Promise<T> {
      calls += 1;
      return p;
    },
    get calls() {
      return calls;
    },
  };
}

/**
 * Re-reads each invoice just before the commit and applies only the poller's own fields, so a
 * pipeline step that changed the invoice meanwhile (paid amount, due date) is not overwritten.
 */
export async function freshWith(
  store: Store,
  records: InvoiceRecord[],
  fields: readonly (keyof InvoiceRecord)[],
): Promise<InvoiceRecord[]> {
  const out: InvoiceRecord[] = [];
  for (const record of records) {
    const fresh = await store.getInvoice(record.source, record.invoiceNumber);
    if (!fresh) continue;
    const merged: Record<string, unknown> = { ...fresh };
    for (const field of fields) merged[field] = record[field];
    out.push(merged as unknown as InvoiceRecord);
  }
  return out;
}
