/**
 * The parked line's sweeper: an event parked past the limit is dead-lettered with a rejected
 * event and the next one in its line is released; a head whose invoice became known is released.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../../adapters/store/index.ts';
import { createLogger } from '../../../connector/logger.ts';
import { createParkedSweeper } from '../../../connector/pipeline/parked-sweeper.ts';
import type { OutboxRelay } from '../../../connector/pipeline/outbox-relay.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { createHarness, type Harness } from '../../helpers/pipeline-harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

function sweeperAt(now: Date, published: OutboxRow[]) {
  const relay = {
    publishRows: (rows: OutboxRow[]) => {
      published.push(...rows);
      return Promise.resolve(true);
    },
  } as unknown as OutboxRelay;
  return createParkedSweeper({
    store: h.store,
    relay,
    logger: createLogger({ level: 'silent', pretty: 'never' }),
    parkMaxMs: 3_600_000,
    inboundQueue: (s) => `connector.${s}.inbound`,
    outboundExchange: 'agency.events',
    dlxExchange: 'connector.dlx',
    now: () => now,
  });
}

describe('parked sweeper', () => {
  it('dead-letters an event parked too long and releases the next in its line', async () => {
    h = await createHarness();
    const first = envelope('acme', 'invoice.paused', { invoiceNumber: '330001' });
    const second = envelope('acme', 'invoice.comment_added', {
      invoiceNumber: '330001',
      comment: 'x',
    });
    await h.deliver(first);
    await h.deliver(second);
    expect(await h.store.parkedFor('acme', '330001')).toHaveLength(2);
    const published: OutboxRow[] = [];
    // Make the invoice known so the released event would apply, then sweep two hours later.
    await h.deliver(envelope('acme', 'invoice.created', invoiceData('330001')));
    const result = await sweeperAt(new Date(Date.now() + 2 * 3_600_000), published).sweepOnce();
    expect(result.expired).toBe(2);
    const letters = await h.store.listDeadLetters({ reason: 'parked_too_long' });
    expect(letters.map((l) => l.messageId).sort()).toEqual([first.id, second.id].sort());
    expect(
      published.some(
        (r) => r.exchange === 'agency.events' && r.routingKey === 'acme.action.rejected',
      ),
    ).toBe(true);
    expect(await h.store.parkedFor('acme', '330001')).toHaveLength(0);
    expect((await h.store.getInbox('acme', first.id))?.state).toBe('FAILED');
  });

  it('re-releases the head of a line whose invoice is known', async () => {
    h = await createHarness();
    const pause = envelope('acme', 'invoice.paused', { invoiceNumber: '330002' });
    await h.deliver(pause);
    // The invoice becomes known by another path (no release happened for this line).
    const invoice = await h.store.getInvoice('acme', '330002');
    expect(invoice).toBeNull();
    await h.store.commit({
      invoices: [
        {
          source: 'acme',
          invoiceNumber: '330002',
          status: 'CREATED',
          caseId: '1',
          currency: 'EUR',
          grossAmount: '10.00',
          paidAmount: '0.00',
          dueDate: null,
          distributionStatus: null,
          caseStatus: null,
          caseStage: null,
          balanceTotal: null,
          document: null,
          closed: false,
          lastCheckedAt: null,
          lastActivityAt: null,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      ],
    });
    const published: OutboxRow[] = [];
    const result = await sweeperAt(new Date(), published).sweepOnce();
    expect(result).toEqual({ expired: 0, released: 1 });
    expect(published[0]).toMatchObject({ exchange: '', routingKey: 'connector.acme.inbound' });
    expect(published[0]?.headers['x-message-id']).toBe(pause.id);
  });
});
