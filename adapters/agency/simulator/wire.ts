/**
 * Records as the agency writes them on the wire: ids as integers where the spec says integer,
 * money as numbers with two decimals, dates `YYYY-MM-DD`, date-times with milliseconds and `Z`.
 */
import { accrueInterest, interestCents, totalCents } from './case-balance.ts';
import { dateOfDay, dayOf, isoTime } from './dates.ts';
import { moneyJson } from './money.ts';
import type { CaseEventRec, CaseRec, InvoiceRec, PaymentAlloc, SettlementRec } from './model.ts';

const AGENCY = 'CASH-IN';

function eventJson(e: CaseEventRec): Record<string, unknown> {
  return {
    type: e.type,
    at: isoTime(e.atMs),
    comment: e.comment ?? null,
    status: e.status ?? null,
    amount: e.amountCents === undefined ? null : moneyJson(e.amountCents),
    reference: e.reference ?? null,
    ...(e.message === undefined ? {} : { message: e.message }),
  };
}

/** `GET /invoice/case` body. Accrues interest up to today first. */
export function caseJson(c: CaseRec, nowMs: number): { case: Record<string, unknown> } {
  accrueInterest(c, dayOf(nowMs));
  const endMs = c.closedAtMs ?? nowMs;
  return {
    case: {
      summary: {
        caseId: c.caseId,
        invoiceNumber: c.invoice.number,
        status: c.status,
        stage: c.stage,
        createdAt: isoTime(c.createdAtMs),
        closedAt: c.closedAtMs === null ? null : dateOfDay(dayOf(c.closedAtMs)),
        activeDays: dayOf(endMs) - dayOf(c.createdAtMs),
        creditor: c.invoice.sellerName,
        currency: c.invoice.currency,
        agency: AGENCY,
        dueDate: dateOfDay(c.dueDay),
        paused: c.paused,
      },
      balance: {
        capitalAmount: moneyJson(c.capitalCents),
        interestAmount: moneyJson(interestCents(c)),
        costsAmount: moneyJson(c.costsCents),
        totalAmount: moneyJson(totalCents(c)),
      },
      payments: c.payments.map((p) => ({
        paymentDate: p.paymentDate,
        amount: moneyJson(p.amountCents),
        reference: p.reference,
        source: p.source,
        allocationId: p.allocationId,
      })),
      events: c.events.map(eventJson),
    },
  };
}

export function distributionJson(inv: InvoiceRec): Record<string, unknown> {
  return {
    invoiceNumber: inv.number,
    caseId: inv.caseRec?.caseId ?? null,
    method: inv.method,
    status: inv.distributionStatus,
    distributedAt: inv.distributedAtMs === null ? null : isoTime(inv.distributedAtMs),
    errorMessage: inv.distributionStatus === 'FAILED' ? inv.distributionProblem : null,
    invoiceDate: inv.date,
    paymentControlStatus: inv.caseRec?.status ?? null,
  };
}

export function paymentJson(p: PaymentAlloc): Record<string, unknown> {
  return {
    caseId: p.caseRec.caseId,
    invoiceNumber: String(p.invoice.number),
    invoicePaymentReference: p.invoice.paymentReference,
    originalPaymentReference: p.reference,
    accountName: p.invoice.buyerName,
    bookingDate: `${p.bookingDate}T00:00:00Z`,
    paymentDate: `${p.paymentDate}T00:00:00Z`,
    amount: moneyJson(p.amountCents),
    currency: p.invoice.currency,
    allocationId: p.allocationId,
  };
}

export function settlementJson(s: SettlementRec): Record<string, unknown> {
  return {
    settlementId: s.settlementId,
    settlementDate: s.settlementDate,
    agency: AGENCY,
    remittanceReference: s.remittanceReference,
    beneficiary: s.beneficiary,
    settlementAmount: moneyJson(s.amountCents),
    currency: s.currency,
    apiFetchDate: s.apiFetchAtMs === null ? null : isoTime(s.apiFetchAtMs),
    allocations: s.allocations.map((a) => ({
      allocationId: a.allocationId,
      allocatedTotalAmount: moneyJson(a.totalCents),
      allocationDate: a.allocationDate,
      currency: s.currency,
      caseId: a.caseId,
      originalInvoiceNumber: String(a.invoice.number),
      originalPaymentReference: a.originalPaymentReference,
      breakdown: [
        { type: 'CAPITAL', amount: moneyJson(a.capitalCents) },
        { type: 'INTEREST', amount: moneyJson(a.interestCents) },
        { type: 'FEES', amount: moneyJson(a.feesCents) },
      ],
    })),
  };
}
