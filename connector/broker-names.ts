/**
 * The connector's exchange and queue names for a config, from the RabbitMQ adapter's one naming
 * rule (`topologyNames`): inbound queues, dead-letter exchange and queue, unroutable queue, delay
 * steps. Every part of the connector that routes by name asks here, so the names the topology
 * declares and the names the pipeline, pollers and ops routes publish to cannot drift apart.
 */
import { topologyNames, type TopologyNames } from '../adapters/rabbitmq/index.ts';
import type { ConnectorConfig } from '../config/index.ts';

export function brokerNames(config: ConnectorConfig): TopologyNames {
  return topologyNames({
    prefix: config.broker.queuePrefix,
    erpExchange: config.broker.inboundExchange,
    agencyExchange: config.broker.outboundExchange,
  });
}
