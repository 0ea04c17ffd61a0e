import { describe, expect, it } from 'vitest';
import {
  formatFieldPath,
  validateCreateActionsRequest,
  validateCreateInvoiceRequest,
} from '../../../adapters/agency/request-schema.ts';
import { invoiceBody } from './fixtures.ts';

function errorsOf(result: { ok: boolean; errors?: { field: string; message: string }[] }) {
  expect(result.ok).toBe(false);
  return result.errors ?? [];
}

const REMOVE = Symbol('remove');

/** A valid body with the values at the given dotted paths replaced (or removed). */
function withInvoice(changes: Record<string, unknown>): unknown {
  const body: unknown = structuredClone(invoiceBody(251601000));
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let target = body as Record<string, unknown>;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === REMOVE) delete target[last];
    else target[last] = value;
  }
  return body;
}

describe('validateCreateInvoiceRequest', () => {
  it('accepts a complete request and returns it', () => {
    const result = validateCreateInvoiceRequest(invoiceBody(251601000));
    expect(result).toEqual({ ok: true, value: invoiceBody(251601000) });
  });

  it.each([
    [
      'invoice.header.dueDate',
      { 'invoice.header.dueDate': '2026-02-30' },
      'must be a date YYYY-MM-DD that exists',
    ],
    [
      'invoice.header.date',
      { 'invoice.header.date': '2026-3-01' },
      'must be a date YYYY-MM-DD that exists',
    ],
    ['invoice.header.currencyCode', { 'invoice.header.currencyCode': 'eur' }, 'ISO 4217'],
    ['invoice.header.currencyCode', { 'invoice.header.currencyCode': 'ABC' }, 'ISO 4217'],
    ['invoice.header.languageCode', { 'invoice.header.languageCode': 'XX' }, 'ISO 639-1'],
    ['invoice.header.number', { 'invoice.header.number': 0 }, 'positive integer'],
    ['invoice.header.number', { 'invoice.header.number': 12.5 }, 'positive integer'],
    ['invoice.header.number', { 'invoice.header.number': '251601000' }, 'must be a number'],
    ['invoice.header.type', { 'invoice.header.type': REMOVE }, 'required'],
    ['invoice.rows[0].unitPrice', { 'invoice.rows.0.unitPrice': 10.005 }, 'at most 2 decimals'],
    [
      'invoice.amounts.grossAmount',
      { 'invoice.amounts.grossAmount': 0.1 + 0.2 },
      'at most 2 decimals',
    ],
    [
      'invoice.parties.buyerParty.contact.email',
      { 'invoice.parties.buyerParty.contact.email': 'a@' },
      'valid email',
    ],
    [
      'invoice.parties.buyerParty.address.countryCode',
      { 'invoice.parties.buyerParty.address.countryCode': 'XK1' },
      'ISO 3166-1',
    ],
    [
      'invoice.parties.buyerParty.address.countryCode',
      { 'invoice.parties.buyerParty.address.countryCode': 'fi' },
      'ISO 3166-1',
    ],
    [
      'invoice.parties.buyerParty.address.postalCode',
      { 'invoice.parties.buyerParty.address.postalCode': '1234' },
      'country FI',
    ],
    [
      'invoice.parties.sellerParty.paymentDetails.iban',
      { 'invoice.parties.sellerParty.paymentDetails.iban': ' ' },
      'must not be empty',
    ],
    [
      'invoice.parties.buyerParty.entityType',
      { 'invoice.parties.buyerParty.entityType': 'PERSON' },
      'BUSINESS, CONSUMER',
    ],
    ['distribution.method', { 'distribution.method': 'FAX' }, 'must be one of'],
    [
      'processing.paymentControlEnabled',
      { 'processing.paymentControlEnabled': REMOVE },
      'required',
    ],
    ['invoice.rows', { 'invoice.rows': [] }, 'at least 1'],
    ['invoice.header.colour', { 'invoice.header.colour': 'red' }, 'unknown field'],
    [
      'invoice.references.creditedInvoiceNumber',
      { 'invoice.header.type': 'CREDIT_NOTE' },
      'required for a CREDIT_NOTE',
    ],
    [
      'invoice.amounts.currencyCode',
      { 'invoice.amounts.currencyCode': 'SEK' },
      'must equal invoice.header.currencyCode',
    ],
    ['invoice.header.dueDate', { 'invoice.header.dueDate': '2026-02-01' }, 'not be before'],
  ])('reports %s', (field, changes, message) => {
    const errors = errorsOf(validateCreateInvoiceRequest(withInvoice(changes)));
    expect(errors).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('reports every field problem at once', () => {
    const body = withInvoice({
      'invoice.header.dueDate': '2026-13-01',
      'invoice.header.currencyCode': 'EURO',
      'invoice.rows.0.grossAmount': 'x',
    });
    expect(errorsOf(validateCreateInvoiceRequest(body)).map((e) => e.field)).toEqual([
      'invoice.header.dueDate',
      'invoice.header.currencyCode',
      'invoice.rows[0].grossAmount',
    ]);
  });

  it('accepts language codes in either case, and the documented DK', () => {
    for (const code of ['fi', 'SV', 'en', 'DK', 'no']) {
      const body = withInvoice({ 'invoice.parties.buyerParty.languageCode': code });
      expect(validateCreateInvoiceRequest(body).ok).toBe(true);
    }
  });

  it('accepts a credit note with its credited invoice number, and open recipient parties', () => {
    const body = withInvoice({
      'invoice.header.type': 'CREDIT_NOTE',
      'invoice.references.creditedInvoiceNumber': 251600999,
      'invoice.parties.invoiceRecipientParty': { name: null, email: null, extra: 'kept' },
    });
    expect(validateCreateInvoiceRequest(body).ok).toBe(true);
  });

  it('rejects a body that is not an object', () => {
    expect(errorsOf(validateCreateInvoiceRequest('x'))).toEqual([
      { field: '', message: 'must be an object' },
    ]);
  });
});

describe('validateCreateActionsRequest', () => {
  const ok = {
    actions: [{ code: 'COMMENT', comment: 'evt-1', data: { invoiceNumber: 1, caseId: 2 } }],
  };

  it('accepts valid actions', () => {
    expect(validateCreateActionsRequest(ok)).toEqual({ ok: true, value: ok });
  });

  it('reports per-code required data with indexed paths', () => {
    const errors = errorsOf(
      validateCreateActionsRequest({
        actions: [
          ok.actions[0],
          { code: 'DUEDATE', comment: '', data: { invoiceNumber: 1, caseId: 2 } },
          {
            code: 'DIRECTPAYMENT',
            comment: '',
            data: { invoiceNumber: 1, caseId: 2, amount: -5, currency: 'EUR' },
          },
          { code: 'REFUND', comment: '', data: { invoiceNumber: 1, caseId: '2' } },
        ],
      }),
    );
    expect(errors).toEqual([
      { field: 'actions[1].data.dueDate', message: 'required for DUEDATE' },
      { field: 'actions[2].data.paymentDate', message: 'required for DIRECTPAYMENT' },
      { field: 'actions[2].data.amount', message: 'must be positive' },
      { field: 'actions[3].code', message: expect.stringContaining('must be one of: COMMENT') },
      { field: 'actions[3].data.caseId', message: 'must be a number' },
    ]);
  });

  it('rejects an empty action list', () => {
    expect(errorsOf(validateCreateActionsRequest({ actions: [] }))).toEqual([
      { field: 'actions', message: 'must have at least 1 item(s)' },
    ]);
  });
});

describe('formatFieldPath', () => {
  it('writes indexes in brackets', () => {
    expect(formatFieldPath(['actions', 0, 'data', 'caseId'])).toBe('actions[0].data.caseId');
    expect(formatFieldPath([])).toBe('');
  });
});
