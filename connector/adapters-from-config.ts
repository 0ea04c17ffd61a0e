/**
 * The agency client and the RabbitMQ broker as the connector builds them from its config, in one
 * place: `compose.ts` uses these, and so do the transport test harness and the benchmarks, so
 * what they exercise (and the topology they declare ahead of the connector) cannot drift from
 * production.
 */
import { createAgencyClient, type AgencyClient } from '../adapters/agency/index.ts';
import {
  buildTopology,
  createBroker,
  type Broker,
  type TopologySpec,
} from '../adapters/rabbitmq/index.ts';
import type { ConnectorConfig } from '../config/index.ts';
import type { Logger } from './logger.ts';

/** The queues and exchanges the connector declares for this config. */
export function connectorTopology(config: ConnectorConfig): TopologySpec {
  return buildTopology({
    prefix: config.broker.queuePrefix,
    erpExchange: config.broker.inboundExchange,
    agencyExchange: config.broker.outboundExchange,
    sources: Object.keys(config.sources),
    retryDelaysMs: config.broker.retryDelaysMs,
    deliveryLimit: config.broker.deliveryLimit,
    inboundMaxLength: config.broker.maxQueueLength,
  });
}

export function agencyClientFromConfig(
  config: ConnectorConfig,
  logger: Logger,
  onRequest: Parameters<typeof createAgencyClient>[0]['onRequest'],
): AgencyClient {
  const { baseUrl, apiKey } = config.agency;
  if (!baseUrl || !apiKey) throw new Error('agency.baseUrl and agency.apiKey are required');
  return createAgencyClient({
    baseUrl,
    apiKey,
    rateLimit: config.agency.rateLimit,
    retry: config.agency.retry,
    timeoutMs: config.agency.timeoutMs,
    circuit: config.agency.circuit,
    logger: logger.child({ module: 'agency' }),
    onRequest,
  });
}

/** The broker with the config's settings and topology (reconnect timing: the adapter's defaults). */
export function brokerFromConfig(
  config: ConnectorConfig,
  logger: Logger,
  connectionName: string,
): Broker {
  return createBroker({
    url: config.broker.url,
    heartbeatSeconds: config.broker.heartbeatSeconds,
    publishTimeoutMs: config.broker.publishTimeoutMs,
    maxUnconfirmed: config.broker.maxInFlightPublishes,
    connectionName,
    log: logger.child({ module: 'broker' }),
    topology: connectorTopology(config),
  });
}
