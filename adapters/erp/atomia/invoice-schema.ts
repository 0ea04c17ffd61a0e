/**
 * Atomia's `Invoice` as its plugin serializes it (PascalCase). Only the fields the adapter maps
 * are read; other fields are ignored. This schema only reads types; the rules (identifiers,
 * dates, arithmetic) are the contract's, applied after mapping (see map-invoice.ts).
 */
import { z } from 'zod';
import {
  atomiaCurrency,
  atomiaDate,
  atomiaDecimal,
  atomiaNumberText,
  atomiaText,
  customAttributes,
} from './values.ts';

export const ATOMIA_INVOICE_STATUS = {
  New: 0,
  Deleted: 1,
  Sent: 2,
  Credited: 3,
  Closed: 4,
  Open: 5,
  ClosedUnsent: 6,
} as const;

const tax = z.object({
  Name: atomiaText(100),
  Percent: atomiaDecimal,
});

export const atomiaInvoiceLineSchema = z.object({
  ItemNo: atomiaText(100),
  ItemNumber: atomiaText(100),
  ItemName: atomiaText(500),
  Description: atomiaText(500),
  Quantity: atomiaDecimal,
  Price: atomiaDecimal,
  Discount: atomiaDecimal.nullish(),
  Taxes: z.array(tax).max(10).nullish(),
});

export const atomiaInvoiceSchema = z.object({
  Id: atomiaText(100),
  Number: atomiaNumberText,
  ReferenceNumber: atomiaText(60),
  CustomerId: atomiaText(100),
  InvoiceDate: atomiaDate,
  DueDate: atomiaDate,
  Status: z.number().int().nullish(),
  Currency: atomiaCurrency,
  Subtotal: atomiaDecimal,
  Total: atomiaDecimal,
  Tax1Total: atomiaDecimal.nullish(),
  Tax2Total: atomiaDecimal.nullish(),
  CustomerName: atomiaText(200),
  CustomerCompanyName: atomiaText(200),
  CustomerCompanyNumber: atomiaText(20),
  CustomerLegalNumber: atomiaText(30),
  CustomerFirstName: atomiaText(100),
  CustomerLastName: atomiaText(100),
  CustomerAddress: atomiaText(200),
  CustomerAddress2: atomiaText(200),
  CustomerCity: atomiaText(100),
  CustomerZip: atomiaText(20),
  CustomerCountry: atomiaText(10),
  CustomerEmail: atomiaText(254),
  InvoiceLines: z.array(atomiaInvoiceLineSchema).max(500),
  CustomAttributes: customAttributes,
});

export type AtomiaInvoice = z.output<typeof atomiaInvoiceSchema>;
export type AtomiaInvoiceLine = z.output<typeof atomiaInvoiceLineSchema>;
