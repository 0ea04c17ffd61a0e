/**
 * The `generic` ERP adapter: the message contract as it is (spec/message-contract.md). The
 * envelope is validated, the routing key must be `<configured source>.<envelope type>`, and
 * `data` must match its type's schema. Internal types (`debt_collection.*`) are refused.
 */
import {
  checkRoutingKey,
  parseEnvelope,
  parseInboundEvent,
  type AdapterContext,
  type AdapterOutput,
  type ErpAdapter,
  type ErpMessage,
} from '../../../connector/contract/index.ts';

export function createGenericAdapter(): ErpAdapter {
  return {
    name: 'generic',
    adapt(message: ErpMessage, context: AdapterContext): AdapterOutput {
      const envelope = parseEnvelope(message.body);
      checkRoutingKey(message.routingKey, envelope, context.source);
      const event = parseInboundEvent(envelope);
      return { kind: 'event', envelope, event };
    },
  };
}
