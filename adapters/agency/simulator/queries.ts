/**
 * The listing endpoints (distribution, payments, settlements) over the date indexes: a window
 * costs the days in it (or the dates present, when fewer), never a scan of every invoice.
 */
import { isIsoDate } from '../field-rules.ts';
import { dateOfDay, dayOfDate } from './dates.ts';
import { SimHttpError } from './http-error.ts';
import type { Account, InvoiceRec, PaymentAlloc, SettlementRec } from './model.ts';

export interface DateWindow {
  from: string;
  to: string;
  /** True when no date was given and the last 30 days were used. */
  defaulted: boolean;
}

/** Reads an optional `from`/`to` pair; missing ends default to the 30 days up to today. */
export function readWindow(
  params: { from: string | undefined; to: string | undefined },
  names: { from: string; to: string },
  today: number,
): DateWindow {
  for (const [value, name] of [
    [params.from, names.from],
    [params.to, names.to],
  ] as const) {
    if (value !== undefined && !isIsoDate(value)) {
      throw new SimHttpError(400, 'Invalid query parameters', [
        { field: name, message: 'must be a date YYYY-MM-DD' },
      ]);
    }
  }
  const to = params.to ?? dateOfDay(today);
  const from = params.from ?? dateOfDay(dayOfDate(to) - 30);
  if (from > to) {
    throw new SimHttpError(400, 'Invalid query parameters', [
      { field: names.from, message: `must not be after ${names.to}` },
    ]);
  }
  return { from, to, defaulted: params.from === undefined && params.to === undefined };
}

/** Values of a by-date index inside the window, in date order. */
export function collectByDate<T>(index: Map<string, T[]>, window: DateWindow): T[] {
  const fromDay = dayOfDate(window.from);
  const toDay = dayOfDate(window.to);
  const out: T[] = [];
  if (toDay - fromDay + 1 <= index.size) {
    for (let day = fromDay; day <= toDay; day++) out.push(...(index.get(dateOfDay(day)) ?? []));
    return out;
  }
  const dates = [...index.keys()].filter((d) => d >= window.from && d <= window.to).sort();
  for (const d of dates) out.push(...index.get(d)!);
  return out;
}

const FETCH_TYPES: Readonly<Record<string, (inv: InvoiceRec) => boolean>> = {
  ALL: () => true,
  SUCCESSFUL: (inv) => inv.distributionStatus === 'DELIVERED',
  DELIVERED: (inv) => inv.distributionStatus === 'DELIVERED',
  FAILED: (inv) => inv.distributionStatus === 'FAILED',
  PENDING: (inv) => inv.distributionStatus === 'PENDING',
};

export interface DistributionParams {
  invoiceNumber: string | undefined;
  fromInvDate: string | undefined;
  toInvDate: string | undefined;
  fetchType: string | undefined;
}

/** Invoices for `GET /invoice/distribution`: by number (dates then only narrow it) or by invoice date. */
export function findDistributions(
  account: Account,
  params: DistributionParams,
  today: number,
): { invoices: InvoiceRec[]; window: DateWindow } {
  const filter = FETCH_TYPES[(params.fetchType ?? 'ALL').toUpperCase()];
  if (filter === undefined) {
    throw new SimHttpError(400, 'Invalid query parameters', [
      { field: 'fetchType', message: `must be one of: ${Object.keys(FETCH_TYPES).join(', ')}` },
    ]);
  }
  const window = readWindow(
    { from: params.fromInvDate, to: params.toInvDate },
    { from: 'fromInvDate', to: 'toInvDate' },
    today,
  );
  if (params.invoiceNumber !== undefined) {
    const inv = /^\d+$/.test(params.invoiceNumber)
      ? account.invoices.get(Number(params.invoiceNumber))
      : undefined;
    const inWindow =
      inv !== undefined && (window.defaulted || (inv.date >= window.from && inv.date <= window.to));
    return { invoices: inv && inWindow && filter(inv) ? [inv] : [], window };
  }
  return { invoices: collectByDate(account.invoicesByDate, window).filter(filter), window };
}

export function findPayments(account: Account, window: DateWindow): PaymentAlloc[] {
  return collectByDate(account.paymentsByDate, window);
}

function firstAtOrAfter(list: readonly SettlementRec[], date: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.settlementDate < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Settlements for `GET /settlements`. `unfetchedOnly` without dates returns every unfetched
 * settlement (no 30-day limit); with dates, the unfetched ones inside the window.
 */
export function findSettlements(
  account: Account,
  params: { fromDate: string | undefined; toDate: string | undefined; unfetchedOnly: boolean },
  today: number,
): SettlementRec[] {
  const window = readWindow(
    { from: params.fromDate, to: params.toDate },
    { from: 'fromDate', to: 'toDate' },
    today,
  );
  let found: SettlementRec[];
  if (params.unfetchedOnly) {
    found = [...account.unfetched].filter(
      (s) => window.defaulted || (s.settlementDate >= window.from && s.settlementDate <= window.to),
    );
  } else {
    const list = account.settlements;
    found = [];
    for (
      let i = firstAtOrAfter(list, window.from);
      i < list.length && list[i]!.settlementDate <= window.to;
      i++
    ) {
      found.push(list[i]!);
    }
  }
  return found;
}

/** Marks settlements as fetched: `apiFetchDate` is set on the first fetch and kept after. */
export function markFetched(
  account: Account,
  settlements: readonly SettlementRec[],
  nowMs: number,
): void {
  for (const s of settlements) {
    s.apiFetchAtMs ??= nowMs;
    account.unfetched.delete(s);
  }
}
