import { describe, expect, it } from 'vitest';
import { createAtomiaAdapter } from '../../../adapters/erp/atomia/index.ts';
import type { AdapterOutput, ErpMessage } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { eventFixtureNames, loadEventFixture, type Json } from '../../fixtures/events/index.ts';

const adapter = createAtomiaAdapter();
const reply = { replyTo: 'amq.rabbitmq.reply-to.g1h2', correlationId: 'corr-1' };

function adapt(
  body: Record<string, unknown> & { type: string },
  extra: Partial<ErpMessage> = {},
): AdapterOutput {
  return adapter.adapt(
    {
      body,
      routingKey: `atomia-fi.${body.type}`,
      messageId: 'm-1',
      replyTo: undefined,
      correlationId: undefined,
      headers: {},
      ...extra,
    },
    { source: 'atomia-fi' },
  );
}

function event(body: Record<string, unknown> & { type: string }, extra: Partial<ErpMessage> = {}) {
  const out = adapt(body, extra);
  if (out.kind !== 'event') throw new Error('expected an event');
  return out;
}

function failure(fn: () => unknown): InvalidMessageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return err as InvalidMessageError;
  }
  throw new Error('expected a failure');
}

const fixture = (name: string) => loadEventFixture('atomia', name);

describe('atomia adapter', () => {
  it('is named atomia and adapts every fixture', () => {
    expect(adapter.name).toBe('atomia');
    for (const name of eventFixtureNames('atomia'))
      expect(() => adapt(fixture(name), reply)).not.toThrow();
  });

  describe('atomia.invoice.created', () => {
    it('maps a company invoice to a BUSINESS invoice whose lines add up to Atomia’s totals', () => {
      const { event: e } = event(fixture('atomia.invoice.created'));
      expect(e.type).toBe('invoice.created');
      expect(e.data).toMatchObject({
        invoiceNumber: '200117',
        invoiceDate: '2026-10-01',
        dueDate: '2026-10-15',
        currency: 'EUR',
        paymentReference: '2001175',
        buyer: {
          type: 'BUSINESS',
          name: 'Verkkokauppa Esimerkki Oy',
          businessId: '0737546-2',
          personalId: null,
          vatCode: 'FI07375462',
          address: {
            street: 'Teollisuuskatu 21',
            postalCode: '00510',
            city: 'HELSINKI',
            countryCode: 'FI',
          },
        },
        totals: { net: '47.75', vat: '12.18', gross: '59.93' },
      });
      // 29.90, 12.50 and 3 × 2.20 − 1.25 = 5.35 net; per-line VAT 7.62 + 3.19 + 1.36 = 12.17, Atomia
      // rounded per invoice to 12.18: the cent goes to the line with the largest remainder (7.6245).
      const lines = (
        e.data as {
          lines: { total: string; quantity: string; unitPrice: string; productCode: string }[];
        }
      ).lines;
      expect(lines.map((l) => l.total)).toEqual(['37.53', '15.69', '6.71']);
      expect(lines[2]).toMatchObject({ quantity: '3', unitPrice: '2.20', productCode: 'MAIL-1' });
    });

    it('maps a person to a CONSUMER with CustomerCompanyNumber as personal identity code', () => {
      const { event: e } = event(fixture('atomia.invoice.created.consumer'));
      expect(e.data).toMatchObject({
        invoiceNumber: '200118',
        paymentReference: 'RF09 2001 18',
        buyer: {
          type: 'CONSUMER',
          name: 'Maija Mallikas',
          personalId: '010594Y123W',
          businessId: null,
        },
        totals: { net: '9.90', vat: '2.52', gross: '12.42' },
      });
    });

    it('upper-cases a lower-case personal identity code and a country code', () => {
      const body = fixture('atomia.invoice.created.consumer');
      body.data.CustomerCompanyNumber = '010594y123w';
      body.data.CustomerCountry = 'fi';
      expect(event(body).event.data).toMatchObject({
        buyer: { personalId: '010594Y123W', address: { countryCode: 'FI' } },
      });
    });

    it.each<[(d: Json) => unknown, string]>([
      [(d: Json) => void (d.CustomerCompanyNumber = '0737546-3'), 'data.CustomerCompanyNumber'],
      [(d: Json) => void (d.CustomerCompanyNumber = null), 'data.CustomerCompanyNumber'],
      [(d: Json) => void (d.CustomerCompanyName = ''), 'data.CustomerCompanyNumber'], // now a CONSUMER: a Y-tunnus is no HETU
      [(d: Json) => void (d.ReferenceNumber = '2001176'), 'data.ReferenceNumber'],
      [(d: Json) => void (d.Number = 'INV-200117'), 'data.Number'],
      [(d: Json) => void (d.InvoiceDate = '2026-02-30T00:00:00'), 'data.InvoiceDate'],
      [(d: Json) => void (d.CustomerCountry = 'Finland'), 'data.CustomerCountry'],
      [(d: Json) => void (d.CustomerZip = null), 'data.CustomerZip'],
      [(d: Json) => void (d.Total = 59.94), 'data.Total'],
      [(d: Json) => void (d.Subtotal = 47.76), 'data.Total'],
      [(d: Json) => void ((d.Subtotal = 47.85), (d.Total = 60.03)), 'data.InvoiceLines'],
      [(d: Json) => void ((d.Tax1Total = 12.3), (d.Total = 60.05)), 'data.Tax1Total'],
      [(d: Json) => void (d.InvoiceLines[1].Price = 'abc'), 'data.InvoiceLines[1].Price'],
      [(d: Json) => void (d.InvoiceLines = []), 'data.InvoiceLines'],
      [(d: Json) => void (d.Status = 1), 'data.Status'],
      [(d: Json) => delete d.DueDate, 'data.DueDate'],
    ])('%#: refuses at %s', (patch, path) => {
      const body = fixture('atomia.invoice.created');
      patch(body.data);
      const err = failure(() => adapt(body));
      expect(err.issues.map((i) => i.path)).toContain(path);
    });

    it('reads JSON-number decimals without float drift', () => {
      const body = fixture('atomia.invoice.created.consumer');
      // 3 × 0.1 is 0.30000000000000004 in floats; 1.15 × 100 is 114.99999999999999.
      body.data.InvoiceLines = [
        { ItemName: 'Tenths', Quantity: 3, Price: 0.1, Discount: 0, Taxes: [] },
        { ItemName: 'Fifteen', Quantity: 1, Price: 1.15, Discount: 0, Taxes: [] },
      ];
      Object.assign(body.data, { Subtotal: 1.45, Tax1Total: 0, Total: 1.45 });
      const lines = (event(body).event.data as { lines: { total: string; vatRate: string }[] })
        .lines;
      expect(lines).toMatchObject([
        { total: '0.30', vatRate: '0' },
        { total: '1.15', vatRate: '0' },
      ]);
    });

    it('handles four-decimal prices rounded per line against Atomia’s subtotal', () => {
      const body = fixture('atomia.invoice.created.consumer');
      // 1000 × 0.0125 = 12.50; 3 × 0.3333 = 0.9999 → 1.00; Atomia subtotal 13.50, VAT 24% 3.24.
      body.data.InvoiceLines = [
        { ItemName: 'SMS', Quantity: 1000, Price: 0.0125, Taxes: [{ Name: 'ALV', Percent: 24 }] },
        { ItemName: 'Third', Quantity: 3, Price: 0.3333, Taxes: [{ Name: 'ALV', Percent: 24 }] },
      ];
      Object.assign(body.data, { Subtotal: 13.5, Tax1Total: 3.24, Total: 16.74 });
      const data = event(body).event.data as { lines: { total: string; unitPrice: string }[] };
      expect(data.lines).toMatchObject([
        { unitPrice: '0.0125', total: '15.50' },
        { unitPrice: '0.3333', total: '1.24' },
      ]);
    });
  });

  describe('atomia.payment.created', () => {
    it('maps a payment; the invoice number comes from the envelope subject', () => {
      const { event: e } = event(fixture('atomia.payment.created'));
      expect(e).toEqual({
        type: 'invoice.payment_received',
        data: {
          invoiceNumber: '200117',
          amount: '20.05',
          currency: 'EUR',
          paymentDate: '2026-10-20',
          reference: '2001175',
          method: 'BankTransfer',
        },
      });
    });

    it('takes the invoicenumber extension when there is no subject', () => {
      const body = fixture('atomia.payment.created');
      delete body.subject;
      body.invoicenumber = '200117';
      expect(event(body).event.data).toMatchObject({ invoiceNumber: '200117' });
    });

    it('refuses a payment without an invoice number, pointing at subject', () => {
      const body = fixture('atomia.payment.created');
      delete body.subject;
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('subject');
    });

    it.each<[(d: Json) => unknown, string]>([
      [(d: Json) => void (d.Status = 2), 'data.Status'],
      [(d: Json) => void (d.Amount = 0), 'data.Amount'],
      [(d: Json) => void (d.Amount = 20.055), 'data.Amount'],
      [(d: Json) => void (d.Currency = { Code: 'euro' }), 'data.Currency'],
      [(d: Json) => delete d.CreatedTime, 'data.CreatedTime'],
    ])('%#: refuses at %s', (patch, path) => {
      const body = fixture('atomia.payment.created');
      patch(body.data);
      expect(failure(() => adapt(body)).issues.map((i) => i.path)).toContain(path);
    });
  });

  describe('atomia.invoice.credited', () => {
    it('maps a credit invoice: original from Invoice.Number, amount from CreditedTotal', () => {
      expect(event(fixture('atomia.invoice.credited')).event).toEqual({
        type: 'invoice.credited',
        data: {
          invoiceNumber: '200117',
          creditNoteNumber: '200130',
          amount: '15.69',
          currency: 'EUR',
          date: '2026-10-21',
        },
      });
    });

    it('falls back to |Total| and refuses a credit of nothing', () => {
      const body = fixture('atomia.invoice.credited');
      delete body.data.CreditedTotal;
      expect(event(body).event.data).toMatchObject({ amount: '15.69' });
      body.data.Total = 0;
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('data.Total');
    });

    it('refuses a missing original invoice', () => {
      const body = fixture('atomia.invoice.credited');
      delete body.data.Invoice;
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('data.Invoice');
    });
  });

  describe('atomia.debtcollection.*', () => {
    it('send → invoice.debt_collection_requested with the invoice, options and reply target', () => {
      const out = event(fixture('atomia.debtcollection.send'), reply);
      expect(out.event.type).toBe('invoice.debt_collection_requested');
      expect(out.event.data).toMatchObject({
        invoiceNumber: '200117',
        dueDate: '2026-11-30',
        creditInvoice: true,
        daysLimit: 90,
        invoice: { invoiceNumber: '200117', totals: { gross: '59.93' } },
      });
      expect(out.reply).toEqual({ to: reply.replyTo, correlationId: 'corr-1' });
    });

    it('send without correlation_id replies with the message id; without reply_to, no reply', () => {
      expect(event(fixture('atomia.debtcollection.send'), { replyTo: 'q' }).reply).toEqual({
        to: 'q',
        correlationId: 'm-1',
      });
      expect(event(fixture('atomia.debtcollection.send')).reply).toBeUndefined();
    });

    it('send with an invalid invoice names the field under data.Invoice', () => {
      const body = fixture('atomia.debtcollection.send');
      body.data.Invoice.CustomerCompanyNumber = '1234567-8';
      expect(failure(() => adapt(body, reply)).issues.map((i) => i.path)).toEqual([
        'data.Invoice.CustomerCompanyNumber',
      ]);
    });

    it('send refuses a bad InvoiceDebtCollectionDaysLimit attribute', () => {
      const body = fixture('atomia.debtcollection.send');
      body.data.Invoice.CustomAttributes = [
        { Name: 'InvoiceDebtCollectionDaysLimit', Value: 'ninety' },
      ];
      expect(failure(() => adapt(body, reply)).issues[0]?.path).toBe(
        'data.Invoice.CustomAttributes',
      );
    });

    it('query → a query output with where to answer', () => {
      const out = adapt(fixture('atomia.debtcollection.query'), reply);
      expect(out).toMatchObject({
        kind: 'query',
        requestId: 'b1946ac9-2492-4d3d-8f1a-0e7d3c2b1a06',
        replyTo: reply.replyTo,
        correlationId: 'corr-1',
      });
    });

    it('query without reply_to is refused; without RequestId too', () => {
      failure(() => adapt(fixture('atomia.debtcollection.query')));
      const body = fixture('atomia.debtcollection.query');
      body.data = { RequestId: '  ' };
      expect(failure(() => adapt(body, reply)).issues[0]?.path).toBe('data.RequestId');
    });

    it('paid_internally → internal debt_collection.paid_internally', () => {
      expect(event(fixture('atomia.debtcollection.paid_internally')).event).toEqual({
        type: 'debt_collection.paid_internally',
        data: {
          invoiceNumber: '200117',
          requestId: 'b1946ac9-2492-4d3d-8f1a-0e7d3c2b1a06',
          amount: '59.93',
          currency: 'EUR',
          paymentDate: '2026-11-05',
        },
      });
    });

    it('paid_internally without Amount, Invoice or subject: amount null, number required', () => {
      const body = fixture('atomia.debtcollection.paid_internally');
      body.data = { RequestId: 'r-1' };
      expect(event(body).event.data).toMatchObject({
        invoiceNumber: '200117',
        amount: null,
        paymentDate: null,
      });
      delete body.subject;
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('data.Invoice.Number');
    });

    it('cancel → internal debt_collection.cancel_requested (MANUAL by default)', () => {
      expect(event(fixture('atomia.debtcollection.cancel')).event).toEqual({
        type: 'debt_collection.cancel_requested',
        data: {
          invoiceNumber: '200117',
          requestId: 'b1946ac9-2492-4d3d-8f1a-0e7d3c2b1a06',
          reason: 'DAYS_LIMIT',
        },
      });
      const body = fixture('atomia.debtcollection.cancel');
      delete body.data.Reason;
      expect(event(body).event.data).toMatchObject({ reason: 'MANUAL' });
      body.data.Reason = 'BORED';
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('data.Reason');
    });

    it('refuses a subject that names another invoice', () => {
      const body = fixture('atomia.debtcollection.cancel');
      body.subject = '999';
      expect(failure(() => adapt(body)).issues[0]?.path).toBe('subject');
    });
  });

  it('passes contract types through as the generic adapter does', () => {
    const body = loadEventFixture('generic', 'invoice.comment_added');
    expect(event(body).event.type).toBe('invoice.comment_added');
  });

  it('refuses an unknown atomia type, naming the accepted ones', () => {
    const body = {
      ...fixture('atomia.debtcollection.query'),
      type: 'atomia.debtcollection.approve',
    };
    const err = failure(() => adapt(body, reply));
    expect(err.message).toContain('atomia.debtcollection.send');
  });

  it('checks the routing key like the generic adapter', () => {
    const body = fixture('atomia.invoice.created');
    failure(() =>
      adapter.adapt(
        {
          body,
          routingKey: 'other.atomia.invoice.created',
          messageId: undefined,
          replyTo: undefined,
          correlationId: undefined,
          headers: {},
        },
        { source: 'atomia-fi' },
      ),
    );
  });
});
