/**
 * Atomia billing events (`IApiEventListenerPlugin`) → contract events.
 * - `atomia.invoice.created` (`data` = Invoice) → `invoice.created`.
 * - `atomia.payment.created` (`data` = Payment) → `invoice.payment_received`. Atomia's Payment
 *   names its invoice only by `InvoiceReferenceNumber` (the invoice's payment reference, not its
 *   number), so the plugin must put the invoice number in the envelope `subject` (or the
 *   `invoicenumber` extension); the reference is kept as the payment's `reference`. Only
 *   completed payments (Status Ok 5, Underpaid 6, Overpaid 7, or no Status) are accepted.
 *   `CreatedTime` gives the payment date, `PaymentMethodProvider` the method.
 * - `atomia.invoice.credited` (`data` = CreditedInvoice) → `invoice.credited`: the original is
 *   `Invoice.Number`, the credit note `Number`, the amount `|CreditedTotal|` (or `|Total|`).
 */
import { z } from 'zod';
import {
  inboundDataSchemas,
  invalid,
  type Envelope,
  type InboundEvent,
} from '../../../connector/contract/index.ts';
import { formatDecimal, type ExactDecimal } from '../../../connector/validation/exact-decimal.ts';
import { parseAtomia, parseMapped } from './issues.ts';
import { mapAtomiaInvoice } from './map-invoice.ts';
import {
  atomiaCurrency,
  atomiaDate,
  atomiaDecimal,
  atomiaNumberText,
  atomiaText,
} from './values.ts';

export const ATOMIA_PAYMENT_STATUS = { Ok: 5, Underpaid: 6, Overpaid: 7 } as const;
const COMPLETED: readonly number[] = Object.values(ATOMIA_PAYMENT_STATUS);

const paymentSchema = z.object({
  Id: atomiaText(100),
  Amount: atomiaDecimal,
  Currency: atomiaCurrency,
  InvoiceReferenceNumber: atomiaText(100),
  DocumentId: atomiaText(100),
  CreatedTime: atomiaDate,
  Status: z.number().int().nullish(),
  PaymentMethodProvider: atomiaText(50),
});

const creditedSchema = z.object({
  Id: atomiaText(100),
  Number: atomiaNumberText,
  InvoiceDate: atomiaDate,
  Currency: atomiaCurrency,
  Total: atomiaDecimal.nullish(),
  CreditedTotal: atomiaDecimal.nullish(),
  Invoice: z.object(
    { Number: atomiaNumberText },
    { error: 'must be the credited invoice, at least { Number }' },
  ),
});

const abs = (d: ExactDecimal): ExactDecimal => ({
  units: d.units < 0n ? -d.units : d.units,
  scale: d.scale,
});

/** The invoice number an envelope names: `subject`, else the `invoicenumber` extension. */
export function envelopeInvoiceNumber(envelope: Envelope): string | null {
  return envelope.subject ?? envelope.invoicenumber ?? null;
}

export function mapInvoiceCreated(envelope: Envelope): InboundEvent {
  return { type: 'invoice.created', data: mapAtomiaInvoice(envelope.data, 'data') };
}

export function mapPaymentCreated(envelope: Envelope): InboundEvent {
  const payment = parseAtomia(paymentSchema, envelope.data, 'Atomia Payment', 'data');
  if (
    payment.Status !== null &&
    payment.Status !== undefined &&
    !COMPLETED.includes(payment.Status)
  ) {
    throw invalid(
      'data.Status',
      'only completed payments (Ok 5, Underpaid 6, Overpaid 7) can be reported',
    );
  }
  const invoiceNumber = envelopeInvoiceNumber(envelope);
  if (!invoiceNumber) {
    throw invalid(
      'subject',
      'must be the invoice number (Atomia Payment names its invoice only by reference)',
    );
  }
  const data = parseMapped(
    inboundDataSchemas['invoice.payment_received'],
    {
      invoiceNumber,
      amount: formatDecimal(payment.Amount),
      currency: payment.Currency,
      paymentDate: payment.CreatedTime,
      reference: payment.InvoiceReferenceNumber ?? payment.DocumentId,
      method: payment.PaymentMethodProvider,
    },
    'Atomia Payment',
    'data',
    {
      invoiceNumber: '=subject',
      amount: 'Amount',
      currency: 'Currency',
      paymentDate: 'CreatedTime',
      reference: 'InvoiceReferenceNumber',
      method: 'PaymentMethodProvider',
    },
  );
  return { type: 'invoice.payment_received', data };
}

export function mapInvoiceCredited(envelope: Envelope): InboundEvent {
  const credited = parseAtomia(creditedSchema, envelope.data, 'Atomia CreditedInvoice', 'data');
  const amount = credited.CreditedTotal ?? credited.Total;
  if (!amount) throw invalid('data.CreditedTotal', 'is required (or Total)');
  const data = parseMapped(
    inboundDataSchemas['invoice.credited'],
    {
      invoiceNumber: credited.Invoice.Number,
      creditNoteNumber: credited.Number,
      amount: formatDecimal(abs(amount)),
      currency: credited.Currency,
      date: credited.InvoiceDate,
    },
    'Atomia CreditedInvoice',
    'data',
    {
      invoiceNumber: 'Invoice.Number',
      creditNoteNumber: 'Number',
      amount: credited.CreditedTotal ? 'CreditedTotal' : 'Total',
      currency: 'Currency',
      date: 'InvoiceDate',
    },
  );
  return { type: 'invoice.credited', data };
}
