export { maskAmqpUrl, withDefaultHeartbeat } from './amqp-url.ts';
export { assertTopology, queueArguments, validateTopology } from './assert-topology.ts';
export { createBackoff, fullJitterBackoffMs, type BackoffOptions } from './backoff.ts';
export { createBroker } from './broker.ts';
export { BrokerError, type BrokerErrorFields, type BrokerErrorReason } from './broker-error.ts';
export {
  buildTopology,
  DEFAULT_RETRY_DELAYS_MS,
  retryRoute,
  topologyNames,
  type BuildTopologyOptions,
  type ExchangeSpec,
  type ExchangeType,
  type QueueBindingSpec,
  type QueueSpec,
  type RetryRoute,
  type TopologyNames,
  type TopologyNamesOptions,
  type TopologySpec,
} from './topology.ts';
export type {
  Broker,
  BrokerEvents,
  BrokerLogger,
  BrokerOptions,
  BrokerStatus,
  ConnectFn,
  ConsumeOptions,
  ConsumerStatus,
  Delivery,
  DeliveryHandler,
  DeliveryProperties,
  HeaderValue,
  LinkName,
  PublishOptions,
  Timers,
} from './types.ts';
