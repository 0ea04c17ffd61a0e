export { createConnectorMetrics, type ConnectorMetrics } from './connector-metrics.ts';
export { createThroughput, type MinuteCount, type Throughput } from './throughput.ts';
export type { LimiterSnapshot, MetricsSources, PollerStatus, QueueDepth } from './types.ts';
export { instrumentPublishes } from './instrument.ts';
