/** Builders of contract events for tests (valid Finnish data by default). */
import { randomUUID } from 'node:crypto';

export const BUSINESS_BUYER = {
  type: 'BUSINESS',
  customerNumber: 'C-5521',
  name: 'Buyer Company Oy',
  businessId: '0737546-2',
  vatCode: 'FI07375462',
  personalId: null,
  address: { street: 'Kauppakatu 1', postalCode: '00100', city: 'HELSINKI', countryCode: 'FI' },
  email: 'ap@buyer.example',
  phone: '+358401234567',
};

export function invoiceData(invoiceNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    invoiceNumber,
    type: 'INVOICE',
    invoiceDate: '2026-11-23',
    dueDate: '2026-12-07',
    currency: 'EUR',
    language: 'FI',
    paymentReference: 'RF18 5390 0754 7034',
    buyer: BUSINESS_BUYER,
    delivery: { method: 'EMAIL' },
    paymentControl: true,
    lines: [
      {
        description: 'Hosting',
        quantity: '1',
        unit: 'pcs',
        unitPrice: '119.52',
        vatRate: '25.5',
        total: '150.00',
      },
    ],
    totals: { net: '119.52', vat: '30.48', gross: '150.00' },
    ...overrides,
  };
}

export interface TestEvent {
  id: string;
  type: string;
  routingKey: string;
  body: string;
}

export function envelope(
  source: string,
  type: string,
  data: Record<string, unknown>,
  id = randomUUID(),
): TestEvent {
  const body = {
    specversion: '1.0',
    id,
    source: `erp/${source}`,
    type,
    time: '2026-11-23T10:00:00Z',
    subject: typeof data.invoiceNumber === 'string' ? data.invoiceNumber : undefined,
    datacontenttype: 'application/json',
    data,
  };
  return { id, type, routingKey: `${source}.${type}`, body: JSON.stringify(body) };
}

export function parseEvent(content: Buffer): {
  id: string;
  type: string;
  causationid?: string;
  data: Record<string, unknown>;
} {
  return JSON.parse(content.toString('utf8')) as never;
}

/** An `invoice.payment_received` from source acme for invoice `n` (reference `REF-<n>`). */
export function paymentReceived(n: string, amount = '10.00'): TestEvent {
  return envelope('acme', 'invoice.payment_received', {
    invoiceNumber: n,
    amount,
    currency: 'EUR',
    paymentDate: '2026-11-25',
    reference: `REF-${n}`,
  });
}
