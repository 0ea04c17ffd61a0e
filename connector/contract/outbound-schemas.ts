/**
 * `data` schemas of the outbound events on `agency.events` (contract §4). The connector builds
 * these itself, so a failure here is a connector bug (see `buildOutboundEvent`). Money is always
 * a 2-decimal string; settlement figures must add up unless a `discrepancy` says why not.
 */
import { z } from 'zod';
import { parseMoney } from '../validation/money.ts';
import { currency, date, invoiceNumber, optionalText, text, timestamp } from './fields.ts';

/** Money as the connector writes it: "149.90", "-0.05". */
const amount = z.string().regex(/^-?\d{1,13}\.\d{2}$/, 'must be a 2-decimal money string');
const caseId = z.string().max(50).nullable();
const fieldErrors = z
  .array(z.strictObject({ path: z.string().max(300), message: z.string().max(1000) }))
  .max(100);
/** One agency action code or several joined by commas (`DIRECTPAYMENT,WITHDRAW`). */
const actionCode = z.string().regex(/^[A-Z_]{1,30}(,[A-Z_]{1,30}){0,9}$/, 'must be an action code');

const TASK_STATES = ['PENDING_APPROVAL', 'APPROVED', 'SENT', 'COLLECTED', 'CANCELLED'] as const;

const taskBase = {
  invoiceNumber,
  /** The debt-collection task id (Atomia's RequestId). */
  requestId: text(200),
  state: z.enum(TASK_STATES),
  reason: optionalText(200),
  at: timestamp,
};

const allocation = z.strictObject({
  invoiceNumber: z.string().max(32),
  caseId: caseId.optional(),
  amount,
  capital: amount,
  interest: amount,
  fees: amount,
});

const addsUp = (a: { amount: string; capital: string; interest: string; fees: string }) =>
  parseMoney(a.capital) + parseMoney(a.interest) + parseMoney(a.fees) === parseMoney(a.amount);

export const outboundSchemas = {
  'invoice.accepted': z.strictObject({
    invoiceNumber,
    acceptedAt: timestamp,
    caseId: caseId.optional(),
    /** The agency already had this invoice number (409 on create). */
    alreadyExisted: z.boolean().optional(),
  }),
  'invoice.rejected': z.strictObject({ invoiceNumber, reason: text(2000), errors: fieldErrors }),
  'action.accepted': z.strictObject({
    invoiceNumber,
    caseId,
    code: actionCode,
    reason: optionalText(2000),
  }),
  'action.rejected': z.strictObject({
    invoiceNumber,
    caseId,
    code: actionCode,
    reason: text(2000),
    errors: fieldErrors.optional(),
  }),
  'distribution.updated': z.strictObject({
    invoiceNumber,
    caseId,
    status: z.enum(['DELIVERED', 'FAILED', 'PENDING']),
    method: z.string().max(30).nullable(),
    at: timestamp,
    error: optionalText(1000),
  }),
  'case.updated': z.strictObject({
    invoiceNumber,
    caseId: z.string().max(50),
    status: z.string().max(100).nullable(),
    stage: z.string().max(100).nullable(),
    previous: z
      .strictObject({
        status: z.string().max(100).nullable(),
        stage: z.string().max(100).nullable(),
      })
      .nullable(),
    balance: z.strictObject({ capital: amount, interest: amount, costs: amount, total: amount }),
    closedAt: z.string().max(40).nullish(),
  }),
  'payment.allocated': z.strictObject({
    invoiceNumber,
    caseId,
    amount,
    currency,
    paymentDate: date,
    reference: z.string().max(100).nullable(),
  }),
  'settlement.received': z
    .strictObject({
      settlementId: text(100),
      settlementDate: date,
      amount,
      currency,
      remittanceReference: z.string().max(100).nullable(),
      allocations: z.array(allocation).max(10_000),
      /** Why the figures do not add up; required when they do not. */
      discrepancy: optionalText(2000),
    })
    .superRefine((s, ctx) => {
      if (s.discrepancy) return;
      const sum = s.allocations.reduce((acc, a) => acc + parseMoney(a.amount), 0n);
      if (sum !== parseMoney(s.amount)) {
        ctx.addIssue({
          code: 'custom',
          path: ['amount'],
          message: 'allocations do not sum to amount and no discrepancy is set',
        });
      }
      s.allocations.forEach((a, i) => {
        if (!addsUp(a)) {
          ctx.addIssue({
            code: 'custom',
            path: ['allocations', i, 'amount'],
            message: 'capital + interest + fees must equal amount unless a discrepancy is set',
          });
        }
      });
    }),
  'invoice.settled': z
    .strictObject({
      invoiceNumber,
      caseId: caseId.optional(),
      settlementId: text(100),
      amount,
      capital: amount,
      interest: amount,
      fees: amount,
      currency,
      date,
    })
    .refine(addsUp, { message: 'capital + interest + fees must equal amount', path: ['amount'] }),
  'debt_collection.pending_approval': z.strictObject(taskBase),
  'debt_collection.approved': z.strictObject(taskBase),
  'debt_collection.sent': z.strictObject(taskBase),
  /** The task was sent and the source credits invoices: the ERP should credit this invoice. */
  'debt_collection.credit_requested': z.strictObject(taskBase),
  'debt_collection.collected': z.strictObject({
    ...taskBase,
    collectedAmount: amount,
    currency: currency.optional(),
    /** Settlement or allocation id, for Atomia's debt collection payment. */
    documentId: text(200),
    paymentDate: date,
    /** Whether the invoice was credited when sent (Atomia copies it before closing). */
    credited: z.boolean(),
  }),
  'debt_collection.cancelled': z.strictObject(taskBase),
} as const;

export type OutboundType = keyof typeof outboundSchemas;
export const OUTBOUND_TYPES = Object.keys(outboundSchemas) as OutboundType[];
export type OutboundData<K extends OutboundType> = z.input<(typeof outboundSchemas)[K]>;
