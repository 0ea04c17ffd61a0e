/**
 * The poller harness plus a second inbound handler wired with the paid-in-ERP hook (as the
 * runtime wires it), and helpers to request a task and read the Atomia query reply.
 */
import { createAtomiaAdapter } from '../../../adapters/erp/atomia/index.ts';
import { createGenericAdapter } from '../../../adapters/erp/generic/index.ts';
import { createPaidInErpHook } from '../../../connector/debt-collection/index.ts';
import { createLogger } from '../../../connector/logger.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { createInboundHandler } from '../../../connector/pipeline/inbound-handler.ts';
import { createOutboxRelay } from '../../../connector/pipeline/outbox-relay.ts';
import { envelope, invoiceData, type TestEvent } from '../../helpers/events.ts';
import { TEST_SELLER } from '../../helpers/test-config.ts';
import { createPollerHarness } from '../pollers/poller-harness.ts';

export async function createTaskHarness(debtCollection: Record<string, unknown> = {}) {
  const h = await createPollerHarness({
    config: {
      sources: {
        acme: { seller: TEST_SELLER, debtCollection },
        billing: { adapter: 'atomia', seller: TEST_SELLER },
      },
    },
  });
  const now = () => h.sim.clock.now();
  const mapper = await createMappingPort('mappings', { validators: agencyRequestValidators });
  const logger = createLogger({ level: 'silent', pretty: 'never' });
  const publisher = {
    publish(exchange: string, routingKey: string, body: string, o: { messageId: string }) {
      h.published.push({ exchange, routingKey, body, options: o });
      return Promise.resolve();
    },
    sendToQueue(queue: string, body: string, o: { messageId: string }) {
      h.published.push({ exchange: '', routingKey: queue, body, options: o });
      return Promise.resolve();
    },
  };
  const handle = createInboundHandler({
    config: h.config,
    store: h.store,
    agency: h.agency,
    mapper,
    adapters: { generic: createGenericAdapter(), atomia: createAtomiaAdapter() },
    relay: createOutboxRelay({ store: h.store, publisher, logger }),
    retries: { publish: () => Promise.resolve() },
    logger,
    instanceId: 'task-harness',
    inboundQueue: (source) => `connector.${source}.inbound`,
    dlxExchange: 'connector.dlx',
    now,
    applyLocal: createPaidInErpHook({
      store: h.store,
      agency: h.agency,
      mapper,
      reconcileSettleMs: 0,
      now,
    }),
  });
  async function deliverWithHook(event: TestEvent): Promise<boolean> {
    let acked = false;
    await handle('acme', {
      body: Buffer.from(event.body),
      routingKey: event.routingKey,
      messageId: event.id,
      replyTo: undefined,
      correlationId: undefined,
      headers: {},
      redelivered: false,
      ack: () => {
        acked = true;
      },
      nack: () => {},
    });
    return acked;
  }
  return {
    ...h,
    deliverWithHook,
    /** Requests debt collection of an invoice the agency has not seen (the request carries it). */
    async requestTask(number: string) {
      const today = now().toISOString().slice(0, 10);
      const data = {
        invoiceNumber: number,
        invoice: invoiceData(number, { invoiceDate: today, dueDate: today }),
      };
      await h.deliver(envelope('acme', 'invoice.debt_collection_requested', data));
      return `dc-acme-${number}`;
    },
    /** The Atomia `query` reply for a task id. */
    async query(requestId: string) {
      const before = h.replies.length;
      await h.deliverTo(
        'billing',
        {
          specversion: '1.0',
          id: `q-${requestId}-${before}`,
          source: 'atomia/billing',
          type: 'atomia.debtcollection.query',
          datacontenttype: 'application/json',
          data: { RequestId: requestId },
        },
        { replyTo: 'amq.rabbitmq.reply-to', correlationId: `c-${before}` },
      );
      return h.replies[before]?.body;
    },
  };
}
