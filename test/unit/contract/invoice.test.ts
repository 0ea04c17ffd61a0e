import { describe, expect, it } from 'vitest';
import { parseInboundEvent } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { loadEventFixture, type Json } from '../../fixtures/events/index.ts';

function created(patch: (data: Json) => void = () => {}, name = 'invoice.created') {
  const env = loadEventFixture('generic', name);
  patch(env.data);
  return env;
}

function issuesOf(env: { type: string; data: unknown }): { path: string; message: string }[] {
  try {
    parseInboundEvent(env);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return (err as InvalidMessageError).issues;
  }
  throw new Error('expected a failure');
}

describe('invoice.created data', () => {
  it('normalises money and decimals', () => {
    const event = parseInboundEvent(created());
    if (event.type !== 'invoice.created') throw new Error('wrong type');
    expect(event.data.lines[1]).toMatchObject({
      quantity: '2',
      unitPrice: '9.90',
      vatRate: '25.5',
      total: '24.85',
    });
    expect(event.data.totals).toEqual({ net: '139.32', vat: '35.53', gross: '174.85' });
  });

  it('defaults type to INVOICE', () => {
    const event = parseInboundEvent(created((d) => delete d.type));
    expect(event.data).toMatchObject({ type: 'INVOICE' });
  });

  it('refuses lines that do not sum to the gross total (to the cent)', () => {
    const issues = issuesOf(created((d) => void (d.lines[1].total = '24.84')));
    expect(issues).toEqual([
      { path: 'data.totals.gross', message: 'must equal the sum of the line totals to the cent' },
    ]);
  });

  it('refuses net + vat ≠ gross', () => {
    const issues = issuesOf(created((d) => void (d.totals.vat = '35.54')));
    expect(issues).toEqual([
      { path: 'data.totals.gross', message: 'must equal totals.net + totals.vat to the cent' },
    ]);
  });

  it('refuses a line total with 3 decimals at its path', () => {
    const issues = issuesOf(created((d) => void (d.lines[0].total = '150.001')));
    expect(issues).toEqual([{ path: 'data.lines[0].total', message: 'has more than 2 decimals' }]);
  });

  it.each<[(d: Json) => unknown, string, string]>([
    [
      (d: Json) => void (d.buyer.businessId = '0646115-7'),
      'data.buyer.businessId',
      'valid Finnish business ID',
    ],
    [
      (d: Json) => void (d.buyer.businessId = null),
      'data.buyer.businessId',
      'required for a BUSINESS buyer',
    ],
    [
      (d: Json) => void (d.paymentReference = 'RF18 1000 2340'),
      'data.paymentReference',
      'check digits',
    ],
    [(d: Json) => void (d.paymentReference = '1233'), 'data.paymentReference', 'check digits'],
    [
      (d: Json) => void (d.dueDate = '2026-11-22'),
      'data.dueDate',
      'must not be before invoiceDate',
    ],
    [(d: Json) => void (d.invoiceDate = '2026-11-31'), 'data.invoiceDate', 'exists'],
    [(d: Json) => void (d.lines = []), 'data.lines', 'at least one line'],
    [(d: Json) => void (d.lines[0].vatRate = '101'), 'data.lines[0].vatRate', 'at most 100'],
    [
      (d: Json) => void (d.lines[0].quantity = '1.00001'),
      'data.lines[0].quantity',
      'more than 4 decimals',
    ],
    [
      (d: Json) => void (d.lines[0].description = ''),
      'data.lines[0].description',
      'must not be empty',
    ],
    [(d: Json) => void (d.lines[0].colour = 'red'), 'data.lines[0].colour', 'is not a known field'],
    [(d: Json) => void (d.buyer.type = 'PERSON'), 'data.buyer.type', 'BUSINESS or CONSUMER'],
    [
      (d: Json) => void (d.buyer.address.countryCode = 'Finland'),
      'data.buyer.address.countryCode',
      'alpha-2',
    ],
    [(d: Json) => delete d.buyer.address.street, 'data.buyer.address.street', 'is required'],
    [(d: Json) => void (d.buyer.email = 'not-an-email'), 'data.buyer.email', 'e-mail'],
    [
      (d: Json) => void (d.buyer.email = null),
      'data.buyer.email',
      'required for delivery by EMAIL',
    ],
    [
      (d: Json) => void (d.delivery.method = 'EINVOICE'),
      'data.buyer.eInvoice.address',
      'required for delivery by EINVOICE',
    ],
    [
      (d: Json) => void (d.delivery.method = 'FAX'),
      'data.delivery.method',
      'EMAIL, LETTER, EINVOICE or SMS',
    ],
    [(d: Json) => void (d.language = 'fi'), 'data.language', 'upper case'],
    [
      (d: Json) => void (d.attachments[0].filename = 'invoice.exe'),
      'data.attachments[0].filename',
      '.pdf',
    ],
    [
      (d: Json) => void (d.attachments[0].contentBase64 = 'not base64!'),
      'data.attachments[0].contentBase64',
      'base64',
    ],
    [(d: Json) => void (d.orderNumber = 'x'.repeat(51)), 'data.orderNumber', 'at most 50'],
  ])('%#: refuses at %s', (patch, path, message) => {
    const issues = issuesOf(created(patch));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(message);
  });

  it('a CONSUMER needs a valid personal identity code', () => {
    expect(() => parseInboundEvent(created(() => {}, 'invoice.created.consumer'))).not.toThrow();
    const missing = issuesOf(
      created((d) => void (d.buyer.personalId = null), 'invoice.created.consumer'),
    );
    expect(missing).toEqual([
      { path: 'data.buyer.personalId', message: 'is required for a CONSUMER buyer' },
    ]);
    const wrong = issuesOf(
      created((d) => void (d.buyer.personalId = '131052-308S'), 'invoice.created.consumer'),
    );
    expect(wrong.map((i) => i.path)).toEqual(['data.buyer.personalId']);
  });

  it('an INVOICE must have a positive total; a CREDIT_NOTE may be negative', () => {
    const negative = (d: Json) => {
      d.lines = [
        {
          description: 'Credit',
          quantity: '1',
          unitPrice: '-10.00',
          vatRate: '0',
          total: '-10.00',
        },
      ];
      d.totals = { net: '-10.00', vat: '0.00', gross: '-10.00' };
    };
    expect(issuesOf(created(negative)).map((i) => i.path)).toEqual(['data.totals.gross']);
    expect(() =>
      parseInboundEvent(
        created((d) => {
          negative(d);
          d.type = 'CREDIT_NOTE';
        }),
      ),
    ).not.toThrow();
  });

  it('error messages never contain the failing values', () => {
    try {
      parseInboundEvent(created((d) => void (d.buyer.personalId = 'CANARY-PID-1234')));
    } catch (err) {
      expect(
        JSON.stringify([(err as Error).message, (err as InvalidMessageError).issues]),
      ).not.toContain('CANARY');
      return;
    }
    throw new Error('expected a failure');
  });
});
