/**
 * The two-instance race P2 found: a create reads its invoice's parked line before its agency
 * call; meanwhile another instance parks a payment (the invoice was not known yet). The create
 * must still release that payment once it has committed, instead of leaving it to the parked
 * sweeper a minute later.
 */
import { describe, expect, it } from 'vitest';
import { parkRow } from '../../../connector/pipeline/parking.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { createHarness } from '../../helpers/pipeline-harness.ts';

describe('parked line across instances', () => {
  it('a create releases an event parked by another instance during its agency call', async () => {
    const h = await createHarness({ sim: { faults: { latencyMs: 80 } } });
    try {
      const create = envelope('acme', 'invoice.created', invoiceData('940001'));
      const payment = envelope('acme', 'invoice.payment_received', {
        invoiceNumber: '940001',
        amount: '10.00',
        currency: 'EUR',
        paymentDate: '2026-11-25',
        reference: 'R-940001',
      });
      const creating = h.deliver(create);
      await new Promise((r) => setTimeout(r, 20)); // the create now waits on the agency
      const now = new Date();
      await h.store.commit({
        parkedAdd: [
          parkRow({
            source: 'acme',
            invoiceNumber: '940001',
            messageId: payment.id,
            type: payment.type,
            body: payment.body,
            routingKey: payment.routingKey,
            reason: 'invoice not yet accepted by the agency',
            now,
          }),
        ],
      });
      await creating;
      const releases = h.published.filter(
        (p) => p.exchange === '' && p.options.messageId === payment.id,
      );
      expect(releases).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
