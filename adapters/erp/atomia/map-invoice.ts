/**
 * Atomia `Invoice` → the contract invoice (`invoice.created` data).
 * - `CustomerCompanyName` set → BUSINESS with `CustomerCompanyNumber` as business ID; otherwise
 *   CONSUMER with `CustomerCompanyNumber` as personal identity code (upper-cased).
 * - Buyer name: `CustomerCompanyName`, else `CustomerName`, else first + last name.
 * - `CustomerId` → customerNumber, `CustomerLegalNumber` → vatCode, `ReferenceNumber` →
 *   paymentReference, `CustomerCountry` upper-cased (a 2-letter code is required).
 * - Lines and totals: see lines.ts. Language, delivery method and payment control are left to
 *   the source's configuration.
 * - An invoice whose `Status` is Deleted (1) or Credited (3) is refused.
 */
import { invoiceDataSchema, type InvoiceData } from '../../../connector/contract/index.ts';
import { invalid } from '../../../connector/contract/index.ts';
import {
  ATOMIA_INVOICE_STATUS,
  atomiaInvoiceSchema,
  type AtomiaInvoice,
} from './invoice-schema.ts';
import { INVOICE_PATHS, parseAtomia, parseMapped } from './issues.ts';
import { mapLines } from './lines.ts';

function buyerName(inv: AtomiaInvoice): string | null {
  const person = [inv.CustomerFirstName, inv.CustomerLastName].filter(Boolean).join(' ');
  return inv.CustomerCompanyName ?? inv.CustomerName ?? (person || null);
}

/** Reads and maps an Atomia invoice at `path` (e.g. `data` or `data.Invoice`). */
export function mapAtomiaInvoice(value: unknown, path: string): InvoiceData {
  const inv = parseAtomia(atomiaInvoiceSchema, value, 'Atomia Invoice', path);
  if (
    inv.Status === ATOMIA_INVOICE_STATUS.Deleted ||
    inv.Status === ATOMIA_INVOICE_STATUS.Credited
  ) {
    throw invalid(`${path}.Status`, 'a deleted or credited invoice cannot go to the agency');
  }
  const business = inv.CustomerCompanyName !== null;
  const id = inv.CustomerCompanyNumber;
  const { lines, totals } = mapLines(inv, path);
  const mapped = {
    invoiceNumber: inv.Number,
    type: 'INVOICE',
    invoiceDate: inv.InvoiceDate,
    dueDate: inv.DueDate,
    currency: inv.Currency,
    paymentReference: inv.ReferenceNumber,
    buyer: {
      type: business ? 'BUSINESS' : 'CONSUMER',
      customerNumber: inv.CustomerId,
      name: buyerName(inv),
      businessId: business ? id : null,
      personalId: business ? null : (id?.toUpperCase() ?? null),
      vatCode: inv.CustomerLegalNumber,
      address: {
        street: inv.CustomerAddress,
        street2: inv.CustomerAddress2,
        postalCode: inv.CustomerZip,
        city: inv.CustomerCity,
        countryCode: inv.CustomerCountry?.toUpperCase() ?? null,
      },
      email: inv.CustomerEmail,
    },
    lines,
    totals,
  };
  return parseMapped(invoiceDataSchema, mapped, 'Atomia Invoice', path, INVOICE_PATHS);
}
