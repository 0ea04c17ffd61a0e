/**
 * Two deliveries of one event racing on two instances both reach the agency (the second gets
 * 409, "already existed") and both commit; the outbox keeps the first row under the shared
 * result id. Every copy published under that id must be the stored one, byte for byte
 * (RELIABILITY.md §5.3: results with the same message id are identical).
 */
import { describe, expect, it } from 'vitest';
import { deterministicEventId } from '../../../connector/contract/index.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { createHarness } from '../../helpers/pipeline-harness.ts';
import { outboxRow } from '../store/fixtures.ts';

describe('result copies under one id', () => {
  it('publishes the stored row, not the in-memory one, when the id was already written', async () => {
    const h = await createHarness();
    try {
      const e = envelope('acme', 'invoice.created', invoiceData('930001'));
      const id = deterministicEventId(['acme', e.id, 'invoice.accepted']);
      // The other instance committed first: its row holds the shared id.
      const first = '{"written":"by the other instance"}';
      await h.store.commit({
        outbox: [outboxRow({ id, routingKey: 'acme.invoice.accepted', body: first })],
      });
      await h.deliver(e);
      const copies = h.published.filter((p) => p.options.messageId === id);
      expect(copies.length).toBeGreaterThan(0);
      for (const c of copies) expect(c.body).toBe(first);
    } finally {
      await h.close();
    }
  });
});
