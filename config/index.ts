export { configSchema } from './schema.ts';
export type { ConnectorConfig, SourceConfig, BrokerConfig, AgencyConfig } from './schema.ts';
export { loadConfig, parseConfig, type Env, type LoadConfigOptions } from './load.ts';
export { redactConfig, maskUrlPassword, REDACTED } from './secret.ts';
