import { describe, expect, it } from 'vitest';
import { queryReply, sendReply } from '../../../adapters/erp/atomia/index.ts';

describe('atomia replies', () => {
  it('send replies with the task id as RequestId', () => {
    expect(sendReply('task-1')).toEqual({ RequestId: 'task-1' });
  });

  it('query of a collected task carries what Atomia needs for its collection payment', () => {
    const reply = queryReply('task-1', {
      state: 'COLLECTED',
      reason: null,
      result: {
        collectedAmount: '156.20',
        documentId: 'S-1/100234',
        paymentDate: '2026-12-10',
        credited: true,
      },
    });
    expect(reply).toEqual({
      RequestId: 'task-1',
      Found: true,
      State: 'COLLECTED',
      Collected: true,
      CancelledByCollector: false,
      DocumentId: 'S-1/100234',
      PaymentDate: '2026-12-10',
      CollectedAmount: '156.20',
      Credited: true,
    });
  });

  it.each([
    ['SENT', null, false, false],
    ['CANCELLED', 'PAID_IN_ERP', false, false],
    ['CANCELLED', 'MANUAL', false, false],
    ['CANCELLED', 'DAYS_LIMIT', false, true],
    ['CANCELLED', 'AGENCY_CLOSED', false, true],
  ])('%s (%s): Collected %s, CancelledByCollector %s', (state, reason, collected, byCollector) => {
    const reply = queryReply('t', { state, reason, result: null });
    expect(reply.Collected).toBe(collected);
    expect(reply.CancelledByCollector).toBe(byCollector);
    expect(reply.DocumentId).toBeNull();
  });

  it('an unknown RequestId is Found: false', () => {
    expect(queryReply('nope', null)).toMatchObject({
      RequestId: 'nope',
      Found: false,
      Collected: false,
      CancelledByCollector: false,
    });
  });
});
