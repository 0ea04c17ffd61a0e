/** Sample ERP events for `agency-connector demo`: realistic, valid Finnish data (and two bad ones). */

export interface DemoEvent {
  label: string;
  routingKey: string;
  body: string;
  messageId: string;
}

function invoice(
  number: string,
  buyer: Record<string, unknown>,
  gross: string,
  net: string,
  vat: string,
) {
  return {
    invoiceNumber: number,
    type: 'INVOICE',
    invoiceDate: '2026-11-23',
    dueDate: '2026-12-07',
    currency: 'EUR',
    language: 'FI',
    paymentReference: 'RF18 5390 0754 7034',
    orderNumber: `ON-${number}`,
    buyer,
    delivery: { method: 'EMAIL' },
    paymentControl: true,
    lines: [
      {
        description: 'Hosting, December',
        quantity: '1',
        unit: 'pcs',
        unitPrice: net,
        vatRate: '25.5',
        total: gross,
      },
    ],
    totals: { net, vat, gross },
  };
}

const business = {
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

const consumer = {
  type: 'CONSUMER',
  customerNumber: 'C-7788',
  name: 'Maija Meikäläinen',
  businessId: null,
  personalId: '131052-308T',
  address: { street: 'Kotikatu 5 B 12', postalCode: '33100', city: 'TAMPERE', countryCode: 'FI' },
  email: 'maija@home.example',
  phone: '+358501112223',
};

export function demoEvents(source: string, runId: string): DemoEvent[] {
  const n = (i: number) => `${runId}${String(i).padStart(2, '0')}`;
  const envelope = (id: string, type: string, subject: string, data: unknown) => ({
    label: '',
    routingKey: `${source}.${type}`,
    messageId: id,
    body: JSON.stringify({
      specversion: '1.0',
      id,
      source: `erp/${source}`,
      type,
      time: new Date().toISOString(),
      subject,
      datacontenttype: 'application/json',
      data,
    }),
  });
  const e = (
    label: string,
    id: string,
    type: string,
    subject: string,
    data: unknown,
  ): DemoEvent => ({
    ...envelope(`demo-${runId}-${id}`, type, subject, data),
    label,
  });
  const created1 = e(
    'invoice 1 (business buyer) created',
    '1',
    'invoice.created',
    n(1),
    invoice(n(1), business, '150.00', '119.52', '30.48'),
  );
  return [
    created1,
    e(
      'invoice 2 (consumer buyer) created',
      '2',
      'invoice.created',
      n(2),
      invoice(n(2), consumer, '49.90', '39.76', '10.14'),
    ),
    e('payment for invoice 3, sent BEFORE invoice 3', '3', 'invoice.payment_received', n(3), {
      invoiceNumber: n(3),
      amount: '20.00',
      currency: 'EUR',
      paymentDate: '2026-11-24',
      reference: 'BANKREF-1',
    }),
    e(
      'invoice 3 created',
      '4',
      'invoice.created',
      n(3),
      invoice(n(3), business, '80.32', '64.00', '16.32'),
    ),
    e(
      'invoice 4 with a wrong business ID check digit',
      '5',
      'invoice.created',
      n(4),
      invoice(n(4), { ...business, businessId: '0737546-3' }, '10.00', '7.97', '2.03'),
    ),
    { ...created1, label: 'invoice 1 again (the ERP re-sent the same id)' },
    e('invoice 2 withdrawn', '6', 'invoice.withdrawn', n(2), {
      invoiceNumber: n(2),
      reason: 'customer complaint',
    }),
    e('invoice 1 due date extended', '7', 'invoice.due_date_extended', n(1), {
      invoiceNumber: n(1),
      dueDate: '2026-12-21',
    }),
    {
      label: 'a message that is not JSON',
      routingKey: `${source}.invoice.created`,
      messageId: `demo-${runId}-8`,
      body: '{"specversion": "1.0", oops',
    },
  ];
}
