import type { Json } from '../../fixtures/events/index.ts';
import { describe, expect, it } from 'vitest';
import {
  buildOutboundEvent,
  deterministicEventId,
  OUTBOUND_TYPES,
  outboundSchemas,
} from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';

const time = '2026-11-23T10:00:00.000Z';
const task = {
  invoiceNumber: '100234',
  requestId: 'task-1',
  state: 'SENT',
  reason: null,
  at: time,
};

/** One valid data object per outbound type. */
const samples: Record<string, unknown> = {
  'invoice.accepted': {
    invoiceNumber: '100234',
    acceptedAt: time,
    caseId: null,
    alreadyExisted: false,
  },
  'invoice.rejected': {
    invoiceNumber: '100234',
    reason: 'invalid',
    errors: [{ path: 'data.buyer.businessId', message: 'bad' }],
  },
  'action.accepted': { invoiceNumber: '100234', caseId: '12345', code: 'DIRECTPAYMENT,WITHDRAW' },
  'action.rejected': {
    invoiceNumber: '100234',
    caseId: null,
    code: 'PAUSE',
    reason: 'agency 400',
    errors: [],
  },
  'distribution.updated': {
    invoiceNumber: '100234',
    caseId: '12345',
    status: 'DELIVERED',
    method: 'EMAIL',
    at: time,
  },
  'case.updated': {
    invoiceNumber: '100234',
    caseId: '12345',
    status: 'OPEN',
    stage: 'REMINDER',
    previous: { status: 'OPEN', stage: 'INVOICE' },
    balance: { capital: '150.00', interest: '1.20', costs: '5.00', total: '156.20' },
    closedAt: null,
  },
  'payment.allocated': {
    invoiceNumber: '100234',
    caseId: '12345',
    amount: '50.00',
    currency: 'EUR',
    paymentDate: '2026-12-01',
    reference: 'RF53 1000 2340',
  },
  'settlement.received': {
    settlementId: 'S-1',
    settlementDate: '2026-12-10',
    amount: '80.00',
    currency: 'EUR',
    remittanceReference: 'REM-1',
    allocations: [
      {
        invoiceNumber: '100234',
        caseId: '12345',
        amount: '50.00',
        capital: '45.00',
        interest: '2.00',
        fees: '3.00',
      },
      {
        invoiceNumber: '100235',
        amount: '30.00',
        capital: '30.00',
        interest: '0.00',
        fees: '0.00',
      },
    ],
  },
  'invoice.settled': {
    invoiceNumber: '100234',
    caseId: '12345',
    settlementId: 'S-1',
    amount: '50.00',
    capital: '45.00',
    interest: '2.00',
    fees: '3.00',
    currency: 'EUR',
    date: '2026-12-10',
  },
  'debt_collection.pending_approval': { ...task, state: 'PENDING_APPROVAL' },
  'debt_collection.approved': { ...task, state: 'APPROVED' },
  'debt_collection.sent': task,
  'debt_collection.credit_requested': task,
  'debt_collection.collected': {
    ...task,
    state: 'COLLECTED',
    collectedAmount: '156.20',
    currency: 'EUR',
    documentId: 'S-1/100234',
    paymentDate: '2026-12-10',
    credited: true,
  },
  'debt_collection.cancelled': { ...task, state: 'CANCELLED', reason: 'PAID_IN_ERP' },
};

describe('outbound events', () => {
  it('has a schema for every type of contract §4', () => {
    expect(OUTBOUND_TYPES.sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(Object.keys(samples))('builds a %s envelope', (type) => {
    const env = buildOutboundEvent({
      source: 'acme',
      type,
      data: samples[type],
      time,
      causationId: 'in-1',
      invoiceNumber: '100234',
    });
    expect(env).toMatchObject({
      specversion: '1.0',
      source: 'connector/acme',
      type,
      time,
      subject: '100234',
      invoicenumber: '100234',
      causationid: 'in-1',
      datacontenttype: 'application/json',
    });
    expect(env.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(outboundSchemas[type as keyof typeof outboundSchemas].safeParse(env.data).success).toBe(
      true,
    );
  });

  it('omits subject and extensions when there is no invoice or cause', () => {
    const env = buildOutboundEvent({
      source: 'acme',
      type: 'settlement.received',
      data: samples['settlement.received'],
      time,
      id: 'x-1',
    });
    expect(env.id).toBe('x-1');
    expect(env).not.toHaveProperty('subject');
    expect(env).not.toHaveProperty('causationid');
    expect(env).not.toHaveProperty('invoicenumber');
  });

  it('throws a plain Error (a connector bug, not the ERP’s fault) for bad data, type or time', () => {
    const bad = [
      () =>
        buildOutboundEvent({
          source: 'acme',
          type: 'invoice.accepted',
          data: { invoiceNumber: '100234' },
          time,
        }),
      () =>
        buildOutboundEvent({
          source: 'acme',
          type: 'payment.allocated',
          data: { ...(samples['payment.allocated'] as object), amount: '50' },
          time,
        }),
      () => buildOutboundEvent({ source: 'acme', type: 'invoice.exploded', data: {}, time }),
      () =>
        buildOutboundEvent({
          source: 'acme',
          type: 'invoice.accepted',
          data: samples['invoice.accepted'],
          time: 'yesterday',
        }),
      () =>
        buildOutboundEvent({
          source: 'a.b',
          type: 'invoice.accepted',
          data: samples['invoice.accepted'],
          time,
        }),
    ];
    for (const fn of bad) {
      let caught: unknown;
      try {
        fn();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(Error);
      expect(caught).not.toBeInstanceOf(InvalidMessageError);
    }
  });

  it('refuses settlement figures that do not add up unless a discrepancy says so', () => {
    const s = samples['settlement.received'] as Json;
    const wrongTotal = { ...s, amount: '80.01' };
    expect(() =>
      buildOutboundEvent({ source: 'acme', type: 'settlement.received', data: wrongTotal, time }),
    ).toThrow(/allocations do not sum/);
    const wrongSplit = {
      ...s,
      allocations: [{ ...s.allocations[0], fees: '3.01' }, s.allocations[1]],
    };
    expect(() =>
      buildOutboundEvent({ source: 'acme', type: 'settlement.received', data: wrongSplit, time }),
    ).toThrow(/allocations\[0\]\.amount/);
    expect(() =>
      buildOutboundEvent({
        source: 'acme',
        type: 'settlement.received',
        data: { ...wrongTotal, discrepancy: 'agency total exceeds allocations by 0.01' },
        time,
      }),
    ).not.toThrow();
    const settled = { ...(samples['invoice.settled'] as object), interest: '2.01' };
    expect(() =>
      buildOutboundEvent({ source: 'acme', type: 'invoice.settled', data: settled, time }),
    ).toThrow(/capital \+ interest \+ fees/);
  });
});

describe('deterministicEventId', () => {
  it('gives the same UUID-shaped id for the same parts', () => {
    const a = deterministicEventId(['acme', 'settlement', 'S-1', '100234']);
    expect(a).toBe(deterministicEventId(['acme', 'settlement', 'S-1', '100234']));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs when the parts differ, including how they are split', () => {
    const ids = new Set([
      deterministicEventId(['ab', 'c']),
      deterministicEventId(['a', 'bc']),
      deterministicEventId(['abc']),
      deterministicEventId(['a', 'b', 'c']),
      deterministicEventId([]),
    ]);
    expect(ids.size).toBe(5);
  });
});
