/**
 * The connector config of a benchmark run: production defaults except the namespace (its own
 * exchanges and queue prefix), a fresh SQLite file (durable commits (WAL synced before each write resolves), the default), the agency
 * simulator's URL, and what the benchmark sets (prefetch, limiter).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig, type ConnectorConfig } from '../../config/index.ts';
import { TEST_SELLER } from '../../test/helpers/test-config.ts';

export interface BenchConnectorConfigOptions {
  /** Unique id; exchanges and queues are named after it. */
  id: string;
  amqpUrl: string;
  agencyBaseUrl: string;
  apiKey: string;
  prefetch: number;
  requestsPerSecond: number;
  maxConcurrent: number;
}

export interface BenchConnectorConfig {
  raw: Record<string, unknown>;
  config: ConnectorConfig;
  /** YAML file for `connector/cli.ts start --config`. */
  file: string;
  storeFile: string;
  /** Removes the config file and the store files. */
  remove(): void;
}

export function benchConnectorConfig(options: BenchConnectorConfigOptions): BenchConnectorConfig {
  const dir = mkdtempSync(join(tmpdir(), 'bench-conn-'));
  const storeFile = join(dir, 'store.sqlite');
  const raw = {
    broker: {
      url: options.amqpUrl,
      inboundExchange: `${options.id}.erp.events`,
      outboundExchange: `${options.id}.agency.events`,
      queuePrefix: `${options.id}.connector`,
      prefetch: options.prefetch,
    },
    agency: {
      baseUrl: options.agencyBaseUrl,
      apiKey: options.apiKey,
      rateLimit: {
        requestsPerSecond: options.requestsPerSecond,
        maxConcurrent: options.maxConcurrent,
        instances: 1,
      },
    },
    store: { url: `sqlite:${storeFile}` },
    http: { port: 0 },
    log: { level: 'info', pretty: 'never' },
    sources: { acme: { seller: TEST_SELLER } },
  };
  const file = join(dir, 'connector.yaml');
  writeFileSync(file, stringify(raw));
  return {
    raw,
    config: parseConfig(raw, { env: {} }),
    file,
    storeFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment of the connector child: the parent's minus what would override the file. */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(AMQP_URL|AGENCY_|STORE_URL|HTTP_PORT|LOG_LEVEL|OPS_TOKEN|CONNECTOR_CONFIG)/.test(k))
      continue;
    env[k] = v;
  }
  return env;
}
