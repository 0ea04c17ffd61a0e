/**
 * Distribution poll: a failed delivery is reported with the agency's error; the case id learned
 * here is stored and releases the head of the invoice's parked line; a re-run sends nothing new.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parkRow } from '../../../connector/pipeline/parking.ts';
import { BUSINESS_BUYER, envelope } from '../../helpers/events.ts';
import { createPollerHarness, type PollerHarness } from './poller-harness.ts';

let h: PollerHarness;
afterEach(async () => {
  await h.close();
});

describe('distribution poller', () => {
  it('reports a failed distribution with the error text', async () => {
    h = await createPollerHarness();
    await h.createInvoice('100050', { buyer: { ...BUSINESS_BUYER, email: 'ap@invalid.example' } });
    await h.createInvoice('100051');
    h.sim.clock.advance(3_600_000);
    const run = await h.pollers.runNow('distribution');
    expect(run.detail).toMatchObject({ records: 2, caseIdsLearned: 2 });
    const byNumber = Object.fromEntries(
      h.erpEvents('distribution.updated').map((e) => [e.data.invoiceNumber, e.data]),
    );
    expect(byNumber['100050']).toMatchObject({ status: 'FAILED', method: 'EMAIL' });
    expect(String(byNumber['100050']?.error)).not.toBe('');
    expect(byNumber['100051']).toMatchObject({ status: 'DELIVERED' });
    expect((await h.store.getInvoice('acme', '100050'))?.distributionStatus).toBe('FAILED');
    const again = await h.pollers.runNow('distribution');
    expect(again.events).toBe(0);
    expect(h.erpEvents('distribution.updated')).toHaveLength(2);
  });

  it('stores the learned case id and releases the parked line head in the same commit', async () => {
    h = await createPollerHarness();
    await h.createInvoice('100060');
    const waiting = envelope('acme', 'invoice.comment_added', {
      invoiceNumber: '100060',
      comment: 'hi',
    });
    await h.store.commit({
      parkedAdd: [
        parkRow({
          source: 'acme',
          invoiceNumber: '100060',
          messageId: waiting.id,
          type: waiting.type,
          body: waiting.body,
          routingKey: waiting.routingKey,
          reason: 'agency has no case for the invoice yet',
          now: h.sim.clock.now(),
        }),
      ],
    });
    expect((await h.store.getInvoice('acme', '100060'))?.caseId).toBeNull();
    h.sim.clock.advance(3_600_000);
    const run = await h.pollers.runNow('distribution');
    expect(run.detail.released).toBe(1);
    const caseId = String(h.sim.state().cases[0]?.summary.caseId);
    expect((await h.store.getInvoice('acme', '100060'))?.caseId).toBe(caseId);
    const released = h.published.filter(
      (p) => p.exchange === '' && p.routingKey === 'connector.acme.inbound',
    );
    expect(released).toHaveLength(1);
    expect(released[0]?.body).toBe(waiting.body);
    // The harness plays the broker: the released comment is applied at the agency.
    await h.drain();
    expect(h.sim.state().actions.map((a) => a.code)).toEqual(['COMMENT']);
  });
});
