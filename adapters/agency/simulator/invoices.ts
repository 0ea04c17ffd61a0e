/**
 * Committing a validated `POST /invoice`: the invoice record, its case (payment control), its
 * place in the distribution queue, and the effect of a credit note on the credited case.
 */
import type { CreateInvoiceRequest } from '../types.ts';
import {
  accrueInterest,
  closeCase,
  reduceBalance,
  totalCents,
  DIRECT_ORDER,
} from './case-balance.ts';
import { dayOfDate } from './dates.ts';
import { today } from './engine.ts';
import type { SimEngine } from './engine.ts';
import { toCents } from './money.ts';
import { pushIndexed } from './model.ts';
import type { Account, CaseRec, InvoiceRec } from './model.ts';
import { planNextStage } from './stages.ts';

/** Email domains whose mail bounces in the simulator (RFC 2606/6761 reserved names). */
function isBouncingEmail(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domain === 'invalid.example' || domain.endsWith('.invalid') || domain === 'invalid';
}

/** Why the invoice cannot be delivered by its method, or null. Decided from the request. */
export function distributionProblem(req: CreateInvoiceRequest): string | null {
  const buyer = req.invoice.parties.buyerParty;
  const recipient = req.invoice.parties.invoiceRecipientParty;
  switch (req.distribution.method) {
    case 'EMAIL': {
      const recipientEmail = typeof recipient?.email === 'string' ? recipient.email : null;
      const address =
        recipientEmail ?? buyer.contact?.email ?? buyer.contact?.contactPerson?.email ?? null;
      if (address === null || address === '') return 'No email address for the buyer';
      return isBouncingEmail(address)
        ? 'Email rejected by the recipient server (550 mailbox unavailable)'
        : null;
    }
    case 'LETTER': {
      const a = buyer.address;
      if (!a.street?.trim()) return 'Postal address incomplete: street missing';
      if (!a.postalCode?.trim() || !a.postalDistrict?.trim())
        return 'Postal address incomplete: postal code or district missing';
      return null;
    }
    case 'EINVOICE':
      return buyer.electronicInvoiceAccount?.trim() && buyer.electronicRoutingAddress?.trim()
        ? null
        : 'E-invoice address or operator missing';
    case 'SMS':
      return buyer.contact?.phone?.trim() ? null : 'No phone number for the buyer';
  }
}

function openCase(engine: SimEngine, inv: InvoiceRec, req: CreateInvoiceRequest): CaseRec {
  const dueDay = dayOfDate(inv.dueDate);
  const c: CaseRec = {
    caseId: engine.state.nextCaseId++,
    invoice: inv,
    status: 'OPEN',
    stage: 'INVOICE',
    createdAtMs: engine.nowMs,
    closedAtMs: null,
    dueDay,
    capitalCents: inv.grossCents,
    costsCents: 0,
    interestAccruedExact: 0,
    interestReducedCents: 0,
    accruedThroughDay: dueDay,
    interestPercent:
      req.invoice.terms?.penaltyInterestPercentage ?? engine.lifecycle.penaltyInterestPercent,
    paused: false,
    disableCollection: req.invoice.parties.buyerParty.disableCollection === true,
    nextStageDay: null,
    payments: [],
    events: [{ type: 'CREATED', atMs: engine.nowMs }],
  };
  engine.state.casesById.set(c.caseId, c);
  planNextStage(engine, c);
  return c;
}

/** A credit note lowers the credited invoice's open capital; a case credited to zero is CLOSED. */
function applyCredit(engine: SimEngine, note: InvoiceRec): void {
  const credited =
    note.creditedInvoiceNumber === null
      ? undefined
      : note.account.invoices.get(note.creditedInvoiceNumber);
  const c = credited?.caseRec;
  if (!c || c.closedAtMs !== null) return;
  accrueInterest(c, today(engine));
  const amount = Math.min(Math.abs(note.grossCents), c.capitalCents);
  reduceBalance(c, amount, DIRECT_ORDER.slice(0, 1));
  c.events.push({
    type: 'CREDITED',
    atMs: engine.nowMs,
    amountCents: amount,
    reference: String(note.number),
  });
  if (totalCents(c) === 0) closeCase(c, 'CLOSED', engine.nowMs);
}

/** Stores a validated, non-duplicate invoice and returns it. */
export function commitInvoice(
  engine: SimEngine,
  account: Account,
  req: CreateInvoiceRequest,
): InvoiceRec {
  const { header, references, parties } = req.invoice;
  const seller = parties.sellerParty;
  const inv: InvoiceRec = {
    account,
    number: header.number,
    type: header.type ?? 'INVOICE',
    date: header.date,
    dueDate: header.dueDate,
    currency: header.currencyCode,
    grossCents: toCents(req.invoice.amounts.grossAmount),
    method: req.distribution.method,
    paymentReference: references.payment ?? null,
    buyerName: parties.buyerParty.name,
    sellerName: seller.name,
    iban: seller.paymentDetails.iban,
    bic: seller.paymentDetails.bic,
    creditedInvoiceNumber: references.creditedInvoiceNumber ?? null,
    createdAtMs: engine.nowMs,
    distributionProblem: distributionProblem(req),
    distributionStatus: req.distribution.enabled ? 'PENDING' : 'SKIPPED',
    distributedAtMs: null,
    distributionDueAtMs: engine.nowMs + engine.lifecycle.distributionDelayMs,
    caseRec: null,
  };
  account.invoices.set(inv.number, inv);
  pushIndexed(account.invoicesByDate, inv.date, inv);
  if (req.processing.paymentControlEnabled && inv.type === 'INVOICE')
    inv.caseRec = openCase(engine, inv, req);
  if (inv.type === 'CREDIT_NOTE') applyCredit(engine, inv);
  if (req.distribution.enabled) engine.distributions.items.push(inv);
  return inv;
}

/** Distribution of a queued invoice: DELIVERED, or FAILED with the problem found at create. */
export function distribute(engine: SimEngine, inv: InvoiceRec): void {
  inv.distributionStatus = inv.distributionProblem === null ? 'DELIVERED' : 'FAILED';
  inv.distributedAtMs = engine.nowMs;
  inv.caseRec?.events.push(
    inv.distributionProblem === null
      ? { type: 'DISTRIBUTED', atMs: engine.nowMs, comment: inv.method }
      : { type: 'DISTRIBUTION_FAILED', atMs: engine.nowMs, message: inv.distributionProblem },
  );
}
