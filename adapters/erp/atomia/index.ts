/**
 * The `atomia` ERP adapter: the messages an Atomia Billing plugin publishes (spec/atomia.md)
 * mapped to contract events. Routing key and envelope are checked as in the generic adapter.
 * Types that are not `atomia.*` fall through to the generic contract, so an Atomia source can
 * also send contract events Atomia has no native message for (e.g. `invoice.comment_added`).
 */
import {
  checkRoutingKey,
  INBOUND_TYPES,
  invalid,
  parseEnvelope,
  parseInboundEvent,
  type AdapterContext,
  type AdapterOutput,
  type Envelope,
  type ErpAdapter,
  type ErpMessage,
  type InboundEvent,
} from '../../../connector/contract/index.ts';
import { mapInvoiceCreated, mapInvoiceCredited, mapPaymentCreated } from './map-billing-events.ts';
import {
  checkSubject,
  mapCancel,
  mapPaidInternally,
  mapQuery,
  mapSend,
} from './map-debt-collection.ts';

type Mapper = (envelope: Envelope, message: ErpMessage) => AdapterOutput;

function eventOnly(map: (envelope: Envelope) => InboundEvent): Mapper {
  return (envelope) => {
    const event = map(envelope);
    const invoiceNumber = (event.data as { invoiceNumber?: string }).invoiceNumber;
    if (invoiceNumber !== undefined) checkSubject(envelope, invoiceNumber);
    return { kind: 'event', envelope, event };
  };
}

const MAPPERS: Record<string, Mapper> = {
  'atomia.invoice.created': eventOnly(mapInvoiceCreated),
  'atomia.payment.created': eventOnly(mapPaymentCreated),
  'atomia.invoice.credited': eventOnly(mapInvoiceCredited),
  'atomia.debtcollection.send': mapSend,
  'atomia.debtcollection.query': mapQuery,
  'atomia.debtcollection.paid_internally': mapPaidInternally,
  'atomia.debtcollection.cancel': mapCancel,
};

export const ATOMIA_TYPES = Object.keys(MAPPERS);

export function createAtomiaAdapter(): ErpAdapter {
  return {
    name: 'atomia',
    adapt(message: ErpMessage, context: AdapterContext): AdapterOutput {
      const envelope = parseEnvelope(message.body);
      checkRoutingKey(message.routingKey, envelope, context.source);
      const mapper = Object.hasOwn(MAPPERS, envelope.type) ? MAPPERS[envelope.type] : undefined;
      if (mapper) return mapper(envelope, message);
      if (envelope.type.startsWith('atomia.')) {
        throw invalid(
          'type',
          `unknown event type "${envelope.type.slice(0, 100)}"; accepted: ${[...ATOMIA_TYPES, ...INBOUND_TYPES].join(', ')}`,
        );
      }
      return { kind: 'event', envelope, event: parseInboundEvent(envelope) };
    },
  };
}

export {
  queryReply,
  sendReply,
  ERP_CANCEL_REASONS,
  type AtomiaQueryReply,
  type AtomiaSendReply,
  type QueriedTask,
} from './replies.ts';
export { DAYS_LIMIT_ATTRIBUTE } from './map-debt-collection.ts';
