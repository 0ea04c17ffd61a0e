/**
 * The Atomia plugin calls through the pipeline: send records the task and replies with its
 * RequestId; query replies from stored state without calling the agency; paid_internally and
 * cancel end the task (before it was sent: no agency call).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadEventFixture } from '../../fixtures/events/index.ts';
import { createHarness, type Harness } from '../../helpers/pipeline-harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('atomia plugin calls', () => {
  it('send → task stored, reply { RequestId }; query → reply from the store', async () => {
    h = await createHarness();
    const send = loadEventFixture('atomia', 'atomia.debtcollection.send');
    const d = await h.deliverTo('billing', send, {
      replyTo: 'amq.rabbitmq.reply-to.x',
      correlationId: 'c-1',
    });
    expect(d.acked).toBe(true);
    const number = String(send.data.Invoice.Number);
    const task = await h.store.getTaskByInvoice('billing', number);
    expect(task?.state).toBe('PENDING_APPROVAL');
    expect(h.replies[0]).toEqual({
      to: 'amq.rabbitmq.reply-to.x',
      correlationId: 'c-1',
      body: { RequestId: task?.id },
    });

    const query = loadEventFixture('atomia', 'atomia.debtcollection.query');
    query.data.RequestId = task?.id;
    query.subject = number;
    const before = h.sim.state().ledger.length;
    await h.deliverTo('billing', query, {
      replyTo: 'amq.rabbitmq.reply-to.y',
      correlationId: 'c-2',
    });
    expect(h.replies[1]).toMatchObject({
      correlationId: 'c-2',
      body: { RequestId: task?.id, Found: true, State: 'PENDING_APPROVAL', Collected: false },
    });
    expect(h.sim.state().ledger.length).toBe(before);
  });

  it('paid internally before the task was sent → CANCELLED (PAID_IN_ERP), no agency call', async () => {
    h = await createHarness();
    const send = loadEventFixture('atomia', 'atomia.debtcollection.send');
    await h.deliverTo('billing', send, { replyTo: 'r', correlationId: 'c' });
    const number = String(send.data.Invoice.Number);
    const task = await h.store.getTaskByInvoice('billing', number);
    const paid = loadEventFixture('atomia', 'atomia.debtcollection.paid_internally');
    paid.data.RequestId = task?.id;
    paid.subject = number;
    if (paid.data.Invoice) paid.data.Invoice.Number = number;
    const d = await h.deliverTo('billing', paid);
    expect(d.acked).toBe(true);
    const after = await h.store.getTask(task!.id);
    expect(after).toMatchObject({ state: 'CANCELLED', reason: 'PAID_IN_ERP' });
    expect(after?.transitions.map((t) => t.to)).toEqual(['PENDING_APPROVAL', 'CANCELLED']);
    expect(h.results().at(-1)).toMatchObject({
      type: 'debt_collection.cancelled',
      data: { reason: 'PAID_IN_ERP' },
    });
    expect(h.sim.state().ledger).toHaveLength(0);
  });

  it('an unknown RequestId is dead-lettered, not retried', async () => {
    h = await createHarness();
    const cancel = loadEventFixture('atomia', 'atomia.debtcollection.cancel');
    cancel.data.RequestId = 'dc-billing-nope';
    const d = await h.deliverTo('billing', cancel);
    expect(d.acked).toBe(true);
    expect((await h.store.listDeadLetters({}))[0]).toMatchObject({ reason: 'invalid_message' });
  });
});
