/**
 * A debtor pays the agency: the amount is allocated to fees, then interest, then capital, shows
 * in `GET /payments` at once with a stable allocationId, and waits for the next settlement run.
 */
import {
  accrueInterest,
  isClosed,
  reduceBalance,
  settleStatus,
  totalCents,
  DEBTOR_ORDER,
} from './case-balance.ts';
import { dateOfDay } from './dates.ts';
import { today } from './engine.ts';
import type { SimEngine } from './engine.ts';
import { SimHttpError } from './http-error.ts';
import { toCents } from './money.ts';
import { pushIndexed } from './model.ts';
import type { Account, PaymentAlloc } from './model.ts';

export interface PayOptions {
  /** Payment date `YYYY-MM-DD`; default the simulated today. */
  date?: string;
  /** The payer's reference; default the invoice's payment reference. */
  reference?: string;
}

export function payInvoice(
  engine: SimEngine,
  account: Account,
  invoiceNumber: string,
  amount: string,
  options: PayOptions = {},
): PaymentAlloc {
  const inv = /^\d+$/.test(invoiceNumber) ? account.invoices.get(Number(invoiceNumber)) : undefined;
  const c = inv?.caseRec;
  if (!inv || !c) throw new SimHttpError(404, `No case for invoice ${invoiceNumber}`);
  if (isClosed(c)) throw new SimHttpError(409, `Case ${c.caseId} is ${c.status}`);
  let cents: number;
  try {
    cents = toCents(amount);
  } catch {
    throw new SimHttpError(400, `Amount ${amount} is not a number with at most 2 decimals`);
  }
  if (cents <= 0) throw new SimHttpError(400, 'Amount must be positive');
  const day = today(engine);
  accrueInterest(c, day);
  if (cents > totalCents(c))
    throw new SimHttpError(400, `Amount exceeds the case balance of case ${c.caseId}`);
  const split = reduceBalance(c, cents, DEBTOR_ORDER);
  const alloc: PaymentAlloc = {
    allocationId: engine.state.nextAllocationId++,
    invoice: inv,
    caseRec: c,
    amountCents: cents,
    ...split,
    paymentDate: options.date ?? dateOfDay(day),
    bookingDate: dateOfDay(day),
    reference: options.reference ?? inv.paymentReference,
    settlementId: null,
  };
  pushIndexed(account.paymentsByDate, alloc.paymentDate, alloc);
  account.paymentCount++;
  account.unsettled.set(alloc.allocationId, alloc);
  c.payments.push({
    paymentDate: alloc.paymentDate,
    amountCents: cents,
    reference: alloc.reference,
    source: 'DEBTOR',
    allocationId: alloc.allocationId,
  });
  c.events.push({
    type: 'PAYMENT_RECEIVED',
    atMs: engine.nowMs,
    amountCents: cents,
    reference: alloc.reference,
  });
  settleStatus(c, engine.nowMs);
  return alloc;
}
