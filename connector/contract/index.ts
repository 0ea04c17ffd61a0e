/**
 * The ERP-facing contract (docs: spec/message-contract.md): body decoding with input limits,
 * the CloudEvents envelope, inbound event schemas, outbound event builder, and the adapter
 * interface the ERP adapters implement.
 */
export type {
  AdapterContext,
  AdapterOutput,
  ErpAdapter,
  ErpMessage,
  ReplyTarget,
} from './adapter.ts';
export { decodeBody, exceedsDepth, type DecodeLimits } from './decode-body.ts';
export { deterministicEventId } from './deterministic-id.ts';
export { envelopeSchema, parseEnvelope, type Envelope, type ExtensionValue } from './envelope.ts';
export { parseInboundEvent, parseInternalEvent, parsePublicEventData } from './inbound-event.ts';
export {
  INBOUND_TYPES,
  INTERNAL_INBOUND_TYPES,
  inboundDataSchemas,
  internalDataSchemas,
  type CancelRequestedData,
  type DebtCollectionRequestedData,
  type InboundEvent,
  type InboundEventOf,
  type InboundType,
  type InternalInboundType,
  type InvoiceCreditedData,
  type PaidInternallyData,
  type PaymentReceivedData,
  type PublicInboundType,
} from './inbound-schemas.ts';
export { invoiceDataSchema, type InvoiceCreatedData, type InvoiceData } from './invoice-schema.ts';
export { fieldIssues, formatPath, invalid } from './issues.ts';
export {
  buildOutboundEvent,
  outboundSource,
  type OutboundEnvelope,
  type OutboundEventInput,
} from './outbound-event.ts';
export {
  OUTBOUND_TYPES,
  outboundSchemas,
  type OutboundData,
  type OutboundType,
} from './outbound-schemas.ts';
export { checkRoutingKey } from './routing.ts';
export {
  businessId as businessIdField,
  currency as currencyField,
  date as dateField,
  invoiceNumber as invoiceNumberField,
  money as moneyField,
} from './fields.ts';
