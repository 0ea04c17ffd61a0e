/**
 * Contract validation of mapped Atomia data, with issue paths translated back to the Atomia
 * fields they came from (`data.buyer.businessId` → `data.Invoice.CustomerCompanyNumber`), so
 * the Atomia plugin's team reads errors in their own names.
 */
import type { z } from 'zod';
import { InvalidMessageError, type FieldIssue } from '../../../connector/errors.ts';
import { fieldIssues } from '../../../connector/contract/index.ts';

/**
 * Contract path prefix → Atomia path (relative to the Atomia object; `=path` for a path outside
 * it, like `=subject`). Longest prefix wins.
 */
export const INVOICE_PATHS: Record<string, string> = {
  invoiceNumber: 'Number',
  invoiceDate: 'InvoiceDate',
  dueDate: 'DueDate',
  currency: 'Currency',
  paymentReference: 'ReferenceNumber',
  'buyer.name': 'CustomerName',
  'buyer.customerNumber': 'CustomerId',
  'buyer.businessId': 'CustomerCompanyNumber',
  'buyer.personalId': 'CustomerCompanyNumber',
  'buyer.vatCode': 'CustomerLegalNumber',
  'buyer.address.street': 'CustomerAddress',
  'buyer.address.street2': 'CustomerAddress2',
  'buyer.address.postalCode': 'CustomerZip',
  'buyer.address.city': 'CustomerCity',
  'buyer.address.countryCode': 'CustomerCountry',
  'buyer.email': 'CustomerEmail',
  lines: 'InvoiceLines',
  'totals.net': 'Subtotal',
  'totals.vat': 'Tax1Total',
  'totals.gross': 'Total',
};

const LINE_FIELDS: Record<string, string> = {
  description: 'Description',
  quantity: 'Quantity',
  unitPrice: 'Price',
  vatRate: 'Taxes',
  total: 'Price',
  productCode: 'ItemNumber',
};

/** Translates one contract path (relative to the mapped object) to an Atomia path. */
export function translatePath(path: string, map: Record<string, string>): string {
  const line = /^lines\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (line && map.lines) {
    const field = line[2] ? `.${LINE_FIELDS[line[2]] ?? line[2]}` : '';
    return `${map.lines}[${line[1]}]${field}`;
  }
  const keys = Object.keys(map).sort((a, b) => b.length - a.length);
  const key = keys.find((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`));
  return key ? `${map[key]}${path.slice(key.length)}` : path;
}

/** Parses mapped data with a contract schema; on failure, issues name the Atomia fields. */
export function parseMapped<S extends z.ZodType>(
  schema: S,
  mapped: unknown,
  what: string,
  atomiaPrefix: string,
  map: Record<string, string>,
): z.output<S> {
  const parsed = schema.safeParse(mapped);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = fieldIssues(parsed.error).map((i) => {
    const translated = translatePath(i.path, map);
    // A target starting with '=' is a path outside the Atomia object (e.g. `=subject`).
    const path = translated.startsWith('=')
      ? translated.slice(1)
      : translated
        ? `${atomiaPrefix}.${translated}`
        : atomiaPrefix;
    return { path, message: i.message };
  });
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new InvalidMessageError(
    `invalid ${what}: ${shown}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    issues,
  );
}

/** Parses an Atomia-shaped payload (PascalCase) with its reading schema, paths under `prefix`. */
export function parseAtomia<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error, prefix);
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new InvalidMessageError(
    `invalid ${what}: ${shown}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    issues,
  );
}
