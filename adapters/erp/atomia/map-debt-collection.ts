/**
 * Atomia `IDebtCollectionPlugin` calls → contract events (atomia.md, contract §6).
 * - `atomia.debtcollection.send` `{ Invoice, DebtCollectionDueDate, CreditInvoice }` →
 *   `invoice.debt_collection_requested` with the mapped invoice, `dueDate`, `creditInvoice`,
 *   and `daysLimit` from the invoice's custom attribute `InvoiceDebtCollectionDaysLimit` when
 *   present. With `reply_to`, the output carries `reply` (answer `{ RequestId }` once stored).
 * - `atomia.debtcollection.query` `{ RequestId }` → a query output (needs `reply_to`).
 * - `atomia.debtcollection.paid_internally` `{ RequestId, Amount?, PaymentDate?, Invoice? }` →
 *   internal `debt_collection.paid_internally`.
 * - `atomia.debtcollection.cancel` `{ RequestId, Reason?, Invoice? }` → internal
 *   `debt_collection.cancel_requested`; `Reason` is `DAYS_LIMIT` or `MANUAL` (default MANUAL).
 * The invoice number of paid_internally and cancel comes from `Invoice.Number` (the plugin
 * method receives the invoice), else the envelope `subject`, else the `invoicenumber` extension.
 * The reply correlation id is the request's `correlation_id`, else its `message_id`, else the
 * envelope id.
 */
import { z } from 'zod';
import {
  invalid,
  parseInternalEvent,
  parsePublicEventData,
  type AdapterOutput,
  type Envelope,
  type ErpMessage,
  type ReplyTarget,
} from '../../../connector/contract/index.ts';
import { formatDecimal } from '../../../connector/validation/exact-decimal.ts';
import { parseAtomia } from './issues.ts';
import { envelopeInvoiceNumber } from './map-billing-events.ts';
import { mapAtomiaInvoice } from './map-invoice.ts';
import {
  atomiaCurrency,
  atomiaDate,
  atomiaDecimal,
  atomiaNumberText,
  attribute,
  customAttributes,
} from './values.ts';

export const DAYS_LIMIT_ATTRIBUTE = 'InvoiceDebtCollectionDaysLimit';

const requestId = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

const sendSchema = z.object({
  Invoice: z.unknown(),
  DebtCollectionDueDate: atomiaDate.nullish(),
  CreditInvoice: z.boolean({ error: 'must be true or false' }).nullish(),
});

/** Just what the adapter reads of an invoice that only names the task's invoice. */
const invoiceRef = z
  .object({
    Number: atomiaNumberText,
    Currency: atomiaCurrency.nullish(),
    CustomAttributes: customAttributes,
  })
  .nullish();

const querySchema = z.object({ RequestId: requestId });
const paidSchema = z.object({
  RequestId: requestId,
  Amount: atomiaDecimal.nullish(),
  PaymentDate: atomiaDate.nullish(),
  Invoice: invoiceRef,
});
const cancelSchema = z.object({
  RequestId: requestId,
  Reason: z.enum(['DAYS_LIMIT', 'MANUAL'], { error: 'must be DAYS_LIMIT or MANUAL' }).nullish(),
  Invoice: invoiceRef,
});

function replyTarget(message: ErpMessage, envelope: Envelope): ReplyTarget | undefined {
  if (!message.replyTo) return undefined;
  return {
    to: message.replyTo,
    correlationId: message.correlationId ?? message.messageId ?? envelope.id,
  };
}

function taskInvoiceNumber(
  envelope: Envelope,
  invoice: { Number: string } | null | undefined,
): string {
  const number = invoice?.Number ?? envelopeInvoiceNumber(envelope);
  if (!number)
    throw invalid(
      'data.Invoice.Number',
      'is required (or the envelope subject): the task’s invoice number',
    );
  return number;
}

function daysLimit(attributes: z.output<typeof customAttributes>): number | null {
  const text = attribute(attributes, DAYS_LIMIT_ATTRIBUTE);
  if (text === null) return null;
  if (!/^\d{1,4}$/.test(text)) {
    throw invalid(
      'data.Invoice.CustomAttributes',
      `${DAYS_LIMIT_ATTRIBUTE} must be a whole number of days`,
    );
  }
  return Number(text);
}

export function mapSend(envelope: Envelope, message: ErpMessage): AdapterOutput {
  const send = parseAtomia(sendSchema, envelope.data, 'Atomia SendToCollection', 'data');
  if (send.Invoice === undefined || send.Invoice === null)
    throw invalid('data.Invoice', 'is required');
  const invoice = mapAtomiaInvoice(send.Invoice, 'data.Invoice');
  const attrs = parseAtomia(
    z.object({ CustomAttributes: customAttributes }),
    send.Invoice,
    'Atomia Invoice',
    'data.Invoice',
  );
  const event = parsePublicEventData('invoice.debt_collection_requested', {
    invoiceNumber: invoice.invoiceNumber,
    invoice,
    dueDate: send.DebtCollectionDueDate ?? null,
    creditInvoice: send.CreditInvoice ?? null,
    daysLimit: daysLimit(attrs.CustomAttributes),
  });
  checkSubject(envelope, invoice.invoiceNumber);
  const reply = replyTarget(message, envelope);
  return { kind: 'event', envelope, event, ...(reply ? { reply } : {}) };
}

export function mapQuery(envelope: Envelope, message: ErpMessage): AdapterOutput {
  const query = parseAtomia(querySchema, envelope.data, 'Atomia QueryInvoiceStatus', 'data');
  const reply = replyTarget(message, envelope);
  if (!reply) throw invalid('', 'a query needs AMQP reply_to (it is answered on that queue)');
  return {
    kind: 'query',
    envelope,
    requestId: query.RequestId,
    replyTo: reply.to,
    correlationId: reply.correlationId,
  };
}

export function mapPaidInternally(envelope: Envelope): AdapterOutput {
  const paid = parseAtomia(paidSchema, envelope.data, 'Atomia InvoicePaidInternally', 'data');
  const event = parseInternalEvent(
    'debt_collection.paid_internally',
    {
      invoiceNumber: taskInvoiceNumber(envelope, paid.Invoice),
      requestId: paid.RequestId,
      amount: paid.Amount ? formatDecimal(paid.Amount) : null,
      currency: paid.Invoice?.Currency ?? null,
      paymentDate: paid.PaymentDate ?? null,
    },
    envelope.subject,
  );
  return { kind: 'event', envelope, event };
}

export function mapCancel(envelope: Envelope): AdapterOutput {
  const cancel = parseAtomia(cancelSchema, envelope.data, 'Atomia CancelDebtCollection', 'data');
  const event = parseInternalEvent(
    'debt_collection.cancel_requested',
    {
      invoiceNumber: taskInvoiceNumber(envelope, cancel.Invoice),
      requestId: cancel.RequestId,
      reason: cancel.Reason ?? 'MANUAL',
    },
    envelope.subject,
  );
  return { kind: 'event', envelope, event };
}

/** A subject, when given, must be the invoice the message is about (contract §2). */
export function checkSubject(envelope: Envelope, invoiceNumber: string): void {
  if (envelope.subject !== undefined && envelope.subject !== invoiceNumber) {
    throw invalid('subject', 'must equal the invoice number the message is about');
  }
}
