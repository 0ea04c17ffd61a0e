/**
 * `data` schemas of the inbound events (contract §3), one per type, and the two internal types
 * that only the atomia adapter produces (see INTERNAL_INBOUND_TYPES).
 */
import { z } from 'zod';
import { currency, date, invoiceNumber, money, optionalText, text } from './fields.ts';
import { invoiceDataSchema } from './invoice-schema.ts';

const onlyInvoice = z.strictObject({ invoiceNumber });
const withOptionalReason = z.strictObject({ invoiceNumber, reason: optionalText(1000) });

export const inboundDataSchemas = {
  'invoice.created': invoiceDataSchema,
  'invoice.payment_received': z.strictObject({
    invoiceNumber,
    amount: money('positive'),
    currency,
    paymentDate: date,
    reference: optionalText(100),
    method: optionalText(50),
    outstanding: z
      .strictObject({
        capital: money('non-negative'),
        interest: money('non-negative'),
        costs: money('non-negative'),
      })
      .nullish(),
  }),
  'invoice.credited': z
    .strictObject({
      invoiceNumber,
      creditNoteNumber: invoiceNumber,
      amount: money('positive'),
      currency,
      date,
    })
    .refine((d) => d.creditNoteNumber !== d.invoiceNumber, {
      message: 'must differ from invoiceNumber',
      path: ['creditNoteNumber'],
    }),
  'invoice.withdrawn': withOptionalReason,
  'invoice.due_date_extended': z.strictObject({ invoiceNumber, dueDate: date }),
  'invoice.paused': withOptionalReason,
  'invoice.objected': z.strictObject({ invoiceNumber, reason: text(1000) }),
  'invoice.payment_plan_requested': onlyInvoice,
  'invoice.comment_added': z.strictObject({ invoiceNumber, comment: text(1000) }),
  'invoice.debt_collection_requested': z
    .strictObject({
      invoiceNumber,
      /** The invoice, when the agency has not seen it yet (same invoiceNumber). */
      invoice: invoiceDataSchema.nullish(),
      /** Atomia's `debtCollectionDueDate`: the due date asked of the collector. */
      dueDate: date.nullish(),
      /** Overrides the source's `debtCollection.creditInvoice` for this task. */
      creditInvoice: z.boolean({ error: 'must be true, false or null' }).nullish(),
      /** Overrides the source's `debtCollection.daysLimit` for this task (0 = never). */
      daysLimit: z
        .number({ error: 'must be a whole number of days' })
        .int()
        .min(0)
        .max(3650)
        .nullish(),
    })
    .refine((d) => !d.invoice || d.invoice.invoiceNumber === d.invoiceNumber, {
      message: 'must equal invoiceNumber',
      path: ['invoice', 'invoiceNumber'],
    }),
} as const;

const requestId = text(200);

/**
 * Internal inbound types: produced only by the atomia adapter from `atomia.debtcollection.*`
 * plugin calls, applied to the debt-collection task by the pipeline. The generic adapter refuses
 * them (they are not part of the public contract).
 */
export const internalDataSchemas = {
  /** Atomia `InvoicePaidInternally`: DIRECTPAYMENT (when an amount is given) and/or WITHDRAW, task CANCELLED (PAID_IN_ERP). */
  'debt_collection.paid_internally': z.strictObject({
    invoiceNumber,
    requestId,
    amount: money('positive').nullish(),
    currency: currency.nullish(),
    paymentDate: date.nullish(),
  }),
  /** Atomia `CancelDebtCollection`: WITHDRAW, task CANCELLED with the given reason. */
  'debt_collection.cancel_requested': z.strictObject({
    invoiceNumber,
    requestId,
    reason: z.enum(['DAYS_LIMIT', 'MANUAL'], { error: 'must be DAYS_LIMIT or MANUAL' }),
  }),
} as const;

export type PublicInboundType = keyof typeof inboundDataSchemas;
export type InternalInboundType = keyof typeof internalDataSchemas;
export type InboundType = PublicInboundType | InternalInboundType;

export const INBOUND_TYPES = Object.keys(inboundDataSchemas) as PublicInboundType[];
export const INTERNAL_INBOUND_TYPES = Object.keys(internalDataSchemas) as InternalInboundType[];

type DataOf<S> = S extends z.ZodType ? z.output<S> : never;
type AllSchemas = typeof inboundDataSchemas & typeof internalDataSchemas;

/** The validated event: a union discriminated by `type`, money as 2-decimal strings. */
export type InboundEvent = {
  [K in InboundType]: { type: K; data: DataOf<AllSchemas[K]> };
}[InboundType];

export type InboundEventOf<K extends InboundType> = Extract<InboundEvent, { type: K }>;
export type PaymentReceivedData = InboundEventOf<'invoice.payment_received'>['data'];
export type InvoiceCreditedData = InboundEventOf<'invoice.credited'>['data'];
export type DebtCollectionRequestedData =
  InboundEventOf<'invoice.debt_collection_requested'>['data'];
export type PaidInternallyData = InboundEventOf<'debt_collection.paid_internally'>['data'];
export type CancelRequestedData = InboundEventOf<'debt_collection.cancel_requested'>['data'];
