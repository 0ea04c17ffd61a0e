import { describe, expect, it } from 'vitest';
import {
  INBOUND_TYPES,
  parseEnvelope,
  parseInboundEvent,
} from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { eventFixtureNames, loadEventFixture, type Json } from '../../fixtures/events/index.ts';

function issuesOf(envelope: {
  type: string;
  data: unknown;
  subject?: string;
}): { path: string; message: string }[] {
  try {
    parseInboundEvent(envelope);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return (err as InvalidMessageError).issues;
  }
  throw new Error('expected a failure');
}

function fixture(type: string) {
  return loadEventFixture('generic', type);
}

function withData(type: string, patch: (data: Json) => void) {
  const env = fixture(type);
  patch(env.data);
  return env;
}

describe('parseInboundEvent: every inbound type', () => {
  it('has a fixture for every inbound type', () => {
    const names = eventFixtureNames('generic');
    for (const type of INBOUND_TYPES) expect(names).toContain(type);
  });

  it.each(eventFixtureNames('generic'))('accepts the %s fixture', (name) => {
    const env = parseEnvelope(fixture(name));
    const event = parseInboundEvent(env);
    expect(event.type).toBe(env.type);
    expect(event.data.invoiceNumber).toMatch(/^\d+$/);
  });

  it('names the unknown type and the accepted ones', () => {
    const [issue] = issuesOf({ type: 'invoice.deleted', data: {} });
    expect(issue?.path).toBe('type');
    expect(issue?.message).toContain('"invoice.deleted"');
    for (const type of INBOUND_TYPES) expect(issue?.message).toContain(type);
  });

  it('refuses the internal types (they come only from the atomia adapter)', () => {
    const [issue] = issuesOf({
      type: 'debt_collection.cancel_requested',
      data: { invoiceNumber: '1', requestId: 'x', reason: 'MANUAL' },
    });
    expect(issue?.path).toBe('type');
  });

  it('refuses a subject that is not the invoice number', () => {
    const env = fixture('invoice.withdrawn');
    expect(issuesOf({ ...env, subject: '999' })).toEqual([
      { path: 'subject', message: expect.stringContaining('data.invoiceNumber') },
    ]);
  });

  it('refuses unknown fields by path', () => {
    const env = withData('invoice.paused', (d) => void (d.pauseUntil = '2027-01-01'));
    expect(issuesOf(env)).toEqual([{ path: 'data.pauseUntil', message: 'is not a known field' }]);
  });

  it.each<[string, (d: Json) => unknown, string, string]>([
    ['invoice.payment_received', (d: Json) => delete d.amount, 'data.amount', 'is required'],
    [
      'invoice.payment_received',
      (d: Json) => void (d.amount = '0.00'),
      'data.amount',
      'must be greater than 0',
    ],
    [
      'invoice.payment_received',
      (d: Json) => void (d.amount = '-5.00'),
      'data.amount',
      'must be greater than 0',
    ],
    [
      'invoice.payment_received',
      (d: Json) => void (d.amount = '50.001'),
      'data.amount',
      'has more than 2 decimals',
    ],
    ['invoice.payment_received', (d) => void (d.currency = 'eur'), 'data.currency', 'ISO 4217'],
    [
      'invoice.payment_received',
      (d: Json) => void (d.paymentDate = '2026-02-30'),
      'data.paymentDate',
      'exists',
    ],
    [
      'invoice.payment_received',
      (d: Json) => void (d.outstanding.interest = '-1'),
      'data.outstanding.interest',
      'must not be negative',
    ],
    [
      'invoice.credited',
      (d: Json) => void (d.creditNoteNumber = d.invoiceNumber),
      'data.creditNoteNumber',
      'must differ',
    ],
    ['invoice.credited', (d) => delete d.date, 'data.date', 'is required'],
    [
      'invoice.withdrawn',
      (d: Json) => void (d.invoiceNumber = 'INV-100234'),
      'data.invoiceNumber',
      'digits only',
    ],
    [
      'invoice.withdrawn',
      (d: Json) => void (d.invoiceNumber = '0100234'),
      'data.invoiceNumber',
      'leading zeros',
    ],
    [
      'invoice.withdrawn',
      (d: Json) => void (d.invoiceNumber = '9007199254740992'),
      'data.invoiceNumber',
      '9007199254740991',
    ],
    [
      'invoice.withdrawn',
      (d: Json) => void (d.invoiceNumber = 2 ** 53),
      'data.invoiceNumber',
      'digits only',
    ],
    [
      'invoice.withdrawn',
      (d: Json) => void (d.invoiceNumber = 100.5),
      'data.invoiceNumber',
      'digits only',
    ],
    ['invoice.withdrawn', (d) => void (d.reason = 'x'.repeat(1001)), 'data.reason', 'at most 1000'],
    [
      'invoice.due_date_extended',
      (d: Json) => void (d.dueDate = '21.12.2026'),
      'data.dueDate',
      'YYYY-MM-DD',
    ],
    ['invoice.objected', (d) => delete d.reason, 'data.reason', 'is required'],
    ['invoice.objected', (d) => void (d.reason = ''), 'data.reason', 'must not be empty'],
    ['invoice.comment_added', (d) => void (d.comment = 42), 'data.comment', 'must be a string'],
    [
      'invoice.payment_plan_requested',
      (d: Json) => delete d.invoiceNumber,
      'data.invoiceNumber',
      'is required',
    ],
    ['invoice.debt_collection_requested', (d) => void (d.daysLimit = -1), 'data.daysLimit', ''],
    [
      'invoice.debt_collection_requested',
      (d: Json) => void (d.creditInvoice = 'yes'),
      'data.creditInvoice',
      'true, false or null',
    ],
  ])('%s: %s → %s', (type, patch, path, message) => {
    const issues = issuesOf(withData(type, patch));
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)?.message).toContain(message);
  });

  it('accepts a JSON integer invoice number and normalises it to a string', () => {
    const event = parseInboundEvent({
      ...withData('invoice.withdrawn', (d) => void (d.invoiceNumber = 100234)),
    });
    expect(event.data).toMatchObject({ invoiceNumber: '100234' });
  });

  it('normalises payment money: "50" and 50 → "50.00", 49.9 → "49.90"', () => {
    for (const [amount, out] of [
      ['50', '50.00'],
      [50, '50.00'],
      [49.9, '49.90'],
      ['149.900', '149.90'],
    ] as const) {
      const event = parseInboundEvent(
        withData('invoice.payment_received', (d) => void (d.amount = amount)),
      );
      expect(event.data).toMatchObject({ amount: out });
    }
  });

  it('debt_collection_requested may carry the invoice, which must be the same invoice and valid', () => {
    const invoice = fixture('invoice.created').data;
    const ok = withData('invoice.debt_collection_requested', (d) => void (d.invoice = invoice));
    expect(parseInboundEvent(ok).data).toMatchObject({ invoice: { invoiceNumber: '100234' } });

    const other = withData(
      'invoice.debt_collection_requested',
      (d: Json) => void (d.invoice = { ...invoice, invoiceNumber: '100235' }),
    );
    expect(issuesOf(other).map((i) => i.path)).toEqual(['data.invoice.invoiceNumber']);

    const bad = withData('invoice.debt_collection_requested', (d) => {
      d.invoice = { ...invoice, buyer: { ...invoice.buyer, businessId: '0646115-7' } };
    });
    expect(issuesOf(bad).map((i) => i.path)).toEqual(['data.invoice.buyer.businessId']);
  });
});
