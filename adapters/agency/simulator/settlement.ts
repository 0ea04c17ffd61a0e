/**
 * A settlement run: per account and currency, every unsettled payment allocation goes into one
 * settlement, with one allocation per invoice and a CAPITAL / INTEREST / FEES breakdown that adds
 * up exactly (integer cents).
 */
import { dateOfDay } from './dates.ts';
import { today } from './engine.ts';
import type { SimEngine } from './engine.ts';
import type { Account, PaymentAlloc, SettlementAllocRec, SettlementRec } from './model.ts';

/** Finnish creditor reference (7-3-1 weights + check digit) for the remittance. */
function finnishReference(base: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  [...base].reverse().forEach((d, i) => (sum += Number(d) * weights[i % 3]!));
  return `${base}${(10 - (sum % 10)) % 10}`;
}

function nextSettlementId(engine: SimEngine, date: string): number {
  const seq = (engine.state.settlementSeqByDate.get(date) ?? 0) + 1;
  engine.state.settlementSeqByDate.set(date, seq);
  return Number(`${date.replaceAll('-', '')}${String(seq).padStart(4, '0')}`);
}

function toSettlementAllocation(
  engine: SimEngine,
  payments: PaymentAlloc[],
  date: string,
): SettlementAllocRec {
  const first = payments[0]!;
  const sum = (pick: (p: PaymentAlloc) => number): number =>
    payments.reduce((s, p) => s + pick(p), 0);
  return {
    allocationId: engine.state.nextAllocationId++,
    invoice: first.invoice,
    caseId: first.caseRec.caseId,
    totalCents: sum((p) => p.amountCents),
    capitalCents: sum((p) => p.capitalCents),
    interestCents: sum((p) => p.interestCents),
    feesCents: sum((p) => p.feesCents),
    allocationDate: date,
    originalPaymentReference: first.reference ?? '',
  };
}

function settleAccount(engine: SimEngine, account: Account, date: string): SettlementRec[] {
  const byCurrency = new Map<string, Map<number, PaymentAlloc[]>>();
  for (const p of account.unsettled.values()) {
    const perInvoice = byCurrency.get(p.invoice.currency) ?? new Map<number, PaymentAlloc[]>();
    byCurrency.set(p.invoice.currency, perInvoice);
    const list = perInvoice.get(p.invoice.number) ?? [];
    perInvoice.set(p.invoice.number, list);
    list.push(p);
  }
  const created: SettlementRec[] = [];
  for (const [currency, perInvoice] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    const settlementId = nextSettlementId(engine, date);
    const allocations = [...perInvoice.values()].map((ps) =>
      toSettlementAllocation(engine, ps, date),
    );
    const first = allocations[0]!.invoice;
    const rec: SettlementRec = {
      settlementId,
      account,
      settlementDate: date,
      createdAtMs: engine.nowMs,
      currency,
      amountCents: allocations.reduce((s, a) => s + a.totalCents, 0),
      remittanceReference: finnishReference(String(settlementId).slice(-10)),
      beneficiary: { name: first.sellerName, iban: first.iban, bic: first.bic },
      allocations,
      apiFetchAtMs: null,
    };
    for (const ps of perInvoice.values()) for (const p of ps) p.settlementId = settlementId;
    account.settlements.push(rec);
    account.unfetched.add(rec);
    created.push(rec);
  }
  account.unsettled.clear();
  return created;
}

/** Settles every account now; returns the settlements created (none when nothing was paid). */
export function runSettlementNow(engine: SimEngine): SettlementRec[] {
  const date = dateOfDay(today(engine));
  return engine.state.accounts.flatMap((account) => settleAccount(engine, account, date));
}
