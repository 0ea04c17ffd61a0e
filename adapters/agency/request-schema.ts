/**
 * zod 4 schemas of the agency's request bodies (`CreateInvoiceRequest`, `CreateActionsRequest`
 * in types.ts), with the field rules of spec §4. Used by the simulator to answer 400, and by the
 * connector to check every mapped request before it is sent. Pure: no I/O, no framework.
 *
 * Objects are strict: an unknown key is an error at its own path (a mapping typo shows up here,
 * not at the agency). `invoiceRecipientParty` and `deliveryParty` are open objects (only partly
 * documented); their known fields are still checked.
 */
import { z } from 'zod';
import { ACTION_CODES } from './types.ts';
import type { ActionCode, CreateActionsRequest, CreateInvoiceRequest } from './types.ts';
import { CURRENCY_CODES } from './iso-codes.ts';
import {
  currencyCode,
  isIsoDate,
  isoDate,
  languageCode,
  money,
  nonEmpty,
  opt,
  positiveId,
} from './field-rules.ts';
import { validateWith } from './field-errors.ts';
import type { RequestValidation } from './field-errors.ts';
import { buyerParty, otherParty, sellerParty } from './party-schemas.ts';

export type { RequestFieldError, RequestValidation } from './field-errors.ts';
export { formatFieldPath } from './field-errors.ts';

const row = z.strictObject({
  productCode: opt(z.string()),
  description: nonEmpty,
  quantity: z.number().refine(Number.isFinite, 'must be a finite number'),
  unit: opt(z.string()),
  unitPrice: money,
  vatPercentage: money.refine((v) => v >= 0 && v <= 100, 'must be between 0 and 100'),
  netAmount: money,
  vatAmount: money,
  grossAmount: money,
});

const invoiceSchema = z
  .strictObject({
    processing: z.strictObject({
      paymentControlEnabled: z.boolean(),
      manualApprovalEnabled: z.boolean(),
      accountingInvoiceEnabled: z.boolean(),
      showProductCodeEnabled: z.boolean().optional(),
    }),
    distribution: z.strictObject({
      method: z.enum(['EMAIL', 'LETTER', 'EINVOICE', 'SMS']),
      enabled: z.boolean(),
    }),
    invoice: z.strictObject({
      header: z.strictObject({
        number: positiveId,
        type: z.enum(['INVOICE', 'CREDIT_NOTE']).nullable(),
        date: isoDate,
        dueDate: isoDate,
        description: opt(z.string()),
        additionalInformation: opt(z.string()),
        currencyCode,
        languageCode,
      }),
      references: z.strictObject({
        sales: opt(z.string()),
        buyer: opt(z.string()),
        agreement: opt(z.string()),
        payment: opt(z.string()),
        orderNumber: opt(z.string()),
        orderDate: opt(isoDate),
        electronicPaymentCode: opt(z.string()),
        creditedInvoiceNumber: opt(positiveId),
        invoiceCopyUrl: opt(z.string()),
      }),
      parties: z.strictObject({
        sellerParty,
        buyerParty,
        invoiceRecipientParty: opt(otherParty),
        deliveryParty: opt(otherParty),
      }),
      rows: z.array(row).min(1),
      amounts: z.strictObject({
        netAmount: money,
        vatAmount: money,
        grossAmount: money,
        currencyCode,
      }),
      terms: opt(
        z.strictObject({
          paymentTermDays: opt(z.number().int().min(0)),
          penaltyInterestPercentage: opt(
            money.refine((v) => v >= 0 && v <= 100, 'must be between 0 and 100'),
          ),
        }),
      ),
      attachments: z
        .array(
          z.strictObject({
            fileName: nonEmpty,
            contentType: z.literal('application/pdf'),
            content: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
          }),
        )
        .optional(),
    }),
  })
  .superRefine((body, ctx) => {
    const { header, references, amounts } = body.invoice;
    const at = (...path: string[]): string[] => ['invoice', ...path];
    // Field errors do not stop these checks, so each looks at valid inputs only.
    if (isIsoDate(header.date) && isIsoDate(header.dueDate) && header.dueDate < header.date) {
      ctx.addIssue({
        code: 'custom',
        path: at('header', 'dueDate'),
        message: 'must not be before the invoice date',
      });
    }
    const currencies = [amounts.currencyCode, header.currencyCode];
    if (currencies.every((code) => CURRENCY_CODES.has(code)) && currencies[0] !== currencies[1]) {
      ctx.addIssue({
        code: 'custom',
        path: at('amounts', 'currencyCode'),
        message: 'must equal invoice.header.currencyCode',
      });
    }
    if (header.type === 'CREDIT_NOTE' && (references.creditedInvoiceNumber ?? null) === null) {
      ctx.addIssue({
        code: 'custom',
        path: at('references', 'creditedInvoiceNumber'),
        message: 'required for a CREDIT_NOTE',
      });
    }
    if (header.type !== 'CREDIT_NOTE' && amounts.grossAmount <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: at('amounts', 'grossAmount'),
        message: 'must be positive for an invoice',
      });
    }
  });

const actionData = z.strictObject({
  invoiceNumber: positiveId,
  caseId: positiveId,
  dueDate: isoDate.optional(),
  paymentMethod: z.string().optional(),
  amount: money.optional(),
  currency: currencyCode.optional(),
  paymentDate: isoDate.optional(),
  reference: z.string().optional(),
  outstandingCapitalAmount: money.optional(),
  outstandingInterestAmount: money.optional(),
  outstandingCostsAmount: money.optional(),
});

/** Fields each action code needs in `data` beyond invoiceNumber and caseId. */
const REQUIRED_DATA: Readonly<Record<string, readonly (keyof z.infer<typeof actionData>)[]>> = {
  DUEDATE: ['dueDate'],
  DIRECTPAYMENT: ['amount', 'currency', 'paymentDate'],
};

const action = z
  .strictObject({
    code: z.enum(ACTION_CODES as readonly [ActionCode, ...ActionCode[]]),
    comment: z.string(),
    data: actionData,
  })
  .superRefine((a, ctx) => {
    for (const key of REQUIRED_DATA[a.code] ?? []) {
      if (a.data[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['data', key], message: `required for ${a.code}` });
      }
    }
    if (a.code === 'DIRECTPAYMENT' && a.data.amount !== undefined && a.data.amount <= 0) {
      ctx.addIssue({ code: 'custom', path: ['data', 'amount'], message: 'must be positive' });
    }
  });

const actionsSchema = z.strictObject({ actions: z.array(action).min(1) });

export const createInvoiceRequestSchema: z.ZodType<CreateInvoiceRequest> = invoiceSchema;
export const createActionsRequestSchema: z.ZodType<CreateActionsRequest> = actionsSchema;

// Compile-time checks that the schemas produce the types of types.ts.
type Assignable<A, B> = A extends B ? true : false;
const invoiceFits: Assignable<z.infer<typeof invoiceSchema>, CreateInvoiceRequest> = true;
const actionsFit: Assignable<z.infer<typeof actionsSchema>, CreateActionsRequest> = true;
void invoiceFits;
void actionsFit;

/** Checks a `POST /invoice` body against spec §4 and types.ts. */
export function validateCreateInvoiceRequest(
  body: unknown,
): RequestValidation<CreateInvoiceRequest> {
  return validateWith(createInvoiceRequestSchema, body);
}

/** Checks a `POST /invoice/action` body: codes, ids, and the data each code needs. */
export function validateCreateActionsRequest(
  body: unknown,
): RequestValidation<CreateActionsRequest> {
  return validateWith(createActionsRequestSchema, body);
}
