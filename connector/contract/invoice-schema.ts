/**
 * The invoice of `invoice.created` (contract §3): strict, every string bounded, money normalised
 * to 2-decimal strings, Finnish identifiers checked, and the arithmetic checked to the cent:
 * the line totals sum to `totals.gross`, and `totals.net + totals.vat = totals.gross`.
 */
import { z } from 'zod';
import { parseMoney } from '../validation/money.ts';
import {
  businessId,
  countryCode,
  currency,
  date,
  decimal,
  email,
  hasNoControlChars,
  invoiceNumber,
  languageCode,
  money,
  optionalText,
  paymentReference,
  personalId,
  text,
} from './fields.ts';

export const MAX_LINES = 500;
export const MAX_ATTACHMENTS = 10;
/** Base64 text of one attachment (about 750 KB of PDF; the body limit bounds the total anyway). */
export const MAX_ATTACHMENT_BASE64_CHARS = 1_000_000;

const address = z.strictObject({
  street: text(200),
  street2: optionalText(200),
  postalCode: text(20),
  city: text(100),
  countryCode,
});

const buyer = z.strictObject({
  type: z.enum(['BUSINESS', 'CONSUMER'], { error: 'must be BUSINESS or CONSUMER' }),
  customerNumber: optionalText(50),
  name: text(200),
  businessId: businessId.nullish(),
  vatCode: optionalText(20),
  personalId: personalId.nullish(),
  address,
  email: email.nullish(),
  phone: optionalText(40),
  eInvoice: z.strictObject({ address: optionalText(100), operator: optionalText(100) }).nullish(),
});

const line = z.strictObject({
  /** Optional item code (an addition to contract §3, maps to the agency's `productCode`). */
  productCode: optionalText(50),
  description: text(500),
  quantity: decimal({ maxScale: 4, min: -1_000_000_000, max: 1_000_000_000 }),
  unit: optionalText(20),
  /** Net unit price; up to 4 decimals (a price, not an amount moved), at least 2 on output. */
  unitPrice: decimal({ maxScale: 4, minScale: 2, min: -1e12, max: 1e12 }),
  vatRate: decimal({ maxScale: 2, min: 0, max: 100 }),
  /** Line total including VAT. */
  total: money(),
});

const attachment = z.strictObject({
  filename: text(200)
    .regex(/^[^/\\]+\.pdf$/i, 'must be a file name ending in .pdf')
    .refine(hasNoControlChars, 'must not contain control characters'),
  contentBase64: z
    .string({ error: 'must be base64 text' })
    .min(4, 'must not be empty')
    .max(MAX_ATTACHMENT_BASE64_CHARS, `must be at most ${MAX_ATTACHMENT_BASE64_CHARS} characters`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 text'),
});

export const invoiceDataSchema = z
  .strictObject({
    invoiceNumber,
    type: z
      .enum(['INVOICE', 'CREDIT_NOTE'], { error: 'must be INVOICE or CREDIT_NOTE' })
      .default('INVOICE'),
    invoiceDate: date,
    dueDate: date,
    currency,
    language: languageCode.nullish(),
    paymentReference: paymentReference.nullish(),
    orderNumber: optionalText(50),
    agreementNumber: optionalText(50),
    description: optionalText(500),
    buyer,
    delivery: z
      .strictObject({
        method: z.enum(['EMAIL', 'LETTER', 'EINVOICE', 'SMS'], {
          error: 'must be EMAIL, LETTER, EINVOICE or SMS',
        }),
      })
      .nullish(),
    paymentControl: z.boolean({ error: 'must be true, false or null' }).nullish(),
    lines: z
      .array(line, { error: 'must be an array of lines' })
      .min(1, 'must have at least one line')
      .max(MAX_LINES, `must have at most ${MAX_LINES} lines`),
    totals: z.strictObject({ net: money(), vat: money(), gross: money() }),
    attachments: z
      .array(attachment)
      .max(MAX_ATTACHMENTS, `must have at most ${MAX_ATTACHMENTS} attachments`)
      .nullish(),
  })
  .superRefine((inv, ctx) => {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (inv.dueDate < inv.invoiceDate) issue(['dueDate'], 'must not be before invoiceDate');

    const { buyer: b } = inv;
    if (b.type === 'BUSINESS' && !b.businessId)
      issue(['buyer', 'businessId'], 'is required for a BUSINESS buyer');
    if (b.type === 'CONSUMER' && !b.personalId)
      issue(['buyer', 'personalId'], 'is required for a CONSUMER buyer');

    const method = inv.delivery?.method;
    if (method === 'EMAIL' && !b.email)
      issue(['buyer', 'email'], 'is required for delivery by EMAIL');
    if (method === 'SMS' && !b.phone) issue(['buyer', 'phone'], 'is required for delivery by SMS');
    if (method === 'EINVOICE' && !b.eInvoice?.address) {
      issue(['buyer', 'eInvoice', 'address'], 'is required for delivery by EINVOICE');
    }

    const net = parseMoney(inv.totals.net);
    const vat = parseMoney(inv.totals.vat);
    const gross = parseMoney(inv.totals.gross);
    if (net + vat !== gross)
      issue(['totals', 'gross'], 'must equal totals.net + totals.vat to the cent');
    const linesGross = inv.lines.reduce((sum, l) => sum + parseMoney(l.total), 0n);
    if (linesGross !== gross)
      issue(['totals', 'gross'], 'must equal the sum of the line totals to the cent');
    if (inv.type === 'INVOICE' && gross <= 0n)
      issue(['totals', 'gross'], 'must be greater than 0 for an INVOICE');
  });

export type InvoiceData = z.output<typeof invoiceDataSchema>;
/** The `data` of `invoice.created`. */
export type InvoiceCreatedData = InvoiceData;
