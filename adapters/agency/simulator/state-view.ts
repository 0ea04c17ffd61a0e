/**
 * `Simulator.state()`: a plain-data snapshot for tests and `GET /_sim/state`, with the ledger
 * and per-key tallies ("created once", "each action applied once").
 */
import type { SimEngine } from './engine.ts';
import type { Ledger, LedgerEntry } from './ledger.ts';
import { centsText } from './money.ts';
import { caseJson, paymentJson, settlementJson } from './wire.ts';
import type { WireCase, WirePayment, WireSettlement } from './wire-types.ts';
import { isoTime } from './dates.ts';

export interface SimInvoiceView {
  account: string;
  invoiceNumber: string;
  type: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  grossAmount: string;
  caseId: number | null;
  distributionStatus: string;
  distributionError: string | null;
  createdAt: string;
}

export interface SimActionView {
  seq: number;
  account: string;
  code: string;
  comment: string;
  invoiceNumber: string;
  caseId: number;
  status: string;
  message: string | null;
  receivedAt: string;
  appliedAt: string | null;
  data: Record<string, unknown>;
}

export interface SimStateView {
  /** Simulated now (ISO). */
  now: string;
  invoices: SimInvoiceView[];
  cases: (WireCase & { account: string })[];
  /** Every action committed, in arrival order. */
  actions: SimActionView[];
  payments: (WirePayment & { account: string; settlementId: number | null })[];
  settlements: (WireSettlement & { account: string })[];
  /** Requests per `"<endpoint> <status>"`, e.g. `"POST /invoice 200"`, `"POST /invoice dropped"`. */
  requestCounts: Record<string, number>;
  ledger: LedgerEntry[];
  /** Per invoice number (all accounts): create requests received and committed. */
  invoiceCreates: Record<string, { received: number; committed: number }>;
  /**
   * Per `"<invoiceNumber>|<comment>"` (the connector puts the ERP event id in the comment):
   * requests that carried it, times committed, times applied (DONE).
   */
  actionsByKey: Record<
    string,
    { code: string; received: number; committed: number; applied: number }
  >;
}

function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function tallies(
  ledger: Ledger,
  engine: SimEngine,
): Pick<SimStateView, 'invoiceCreates' | 'actionsByKey'> {
  const invoiceCreates: SimStateView['invoiceCreates'] = {};
  const actionsByKey: SimStateView['actionsByKey'] = {};
  for (const e of ledger.entries) {
    if (e.endpoint === 'POST /invoice' && e.invoiceNumber !== null) {
      const t = (invoiceCreates[e.invoiceNumber] ??= { received: 0, committed: 0 });
      t.received++;
      if (e.committed) t.committed++;
    }
    for (const a of e.endpoint === 'POST /invoice/action' ? (e.actions ?? []) : []) {
      (actionsByKey[`${a.invoiceNumber}|${a.comment}`] ??= {
        code: a.code,
        received: 0,
        committed: 0,
        applied: 0,
      }).received++;
    }
  }
  for (const account of engine.state.accounts) {
    for (const a of account.actions) {
      const t = (actionsByKey[`${a.caseRec.invoice.number}|${a.comment}`] ??= {
        code: a.code,
        received: 0,
        committed: 0,
        applied: 0,
      });
      t.committed++;
      if (a.status === 'DONE') t.applied++;
    }
  }
  return { invoiceCreates, actionsByKey };
}

export function buildStateView(engine: SimEngine, ledger: Ledger): SimStateView {
  const view: SimStateView = {
    now: isoTime(engine.nowMs),
    invoices: [],
    cases: [],
    actions: [],
    payments: [],
    settlements: [],
    requestCounts: Object.fromEntries(ledger.counts),
    ledger: ledger.entries.map((e) => ({ ...e })),
    ...tallies(ledger, engine),
  };
  for (const account of engine.state.accounts) {
    for (const inv of account.invoices.values()) {
      view.invoices.push({
        account: account.id,
        invoiceNumber: String(inv.number),
        type: inv.type,
        invoiceDate: inv.date,
        dueDate: inv.dueDate,
        currency: inv.currency,
        grossAmount: centsText(inv.grossCents),
        caseId: inv.caseRec?.caseId ?? null,
        distributionStatus: inv.distributionStatus,
        distributionError: inv.distributionStatus === 'FAILED' ? inv.distributionProblem : null,
        createdAt: isoTime(inv.createdAtMs),
      });
      if (inv.caseRec)
        view.cases.push({
          ...plain<{ case: WireCase }>(caseJson(inv.caseRec, engine.nowMs)).case,
          account: account.id,
        });
    }
    for (const a of account.actions) {
      view.actions.push({
        seq: a.seq,
        account: account.id,
        code: a.code,
        comment: a.comment,
        invoiceNumber: String(a.caseRec.invoice.number),
        caseId: a.caseRec.caseId,
        status: a.status,
        message: a.message,
        receivedAt: isoTime(a.receivedAtMs),
        appliedAt: a.appliedAtMs === null ? null : isoTime(a.appliedAtMs),
        data: a.data,
      });
    }
    for (const list of account.paymentsByDate.values()) {
      for (const p of list)
        view.payments.push({
          ...plain<WirePayment>(paymentJson(p)),
          account: account.id,
          settlementId: p.settlementId,
        });
    }
    for (const s of account.settlements)
      view.settlements.push({ ...plain<WireSettlement>(settlementJson(s)), account: account.id });
  }
  view.payments.sort((a, b) => a.allocationId - b.allocationId);
  return view;
}
