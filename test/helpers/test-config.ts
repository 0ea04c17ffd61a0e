/** A connector config for one test namespace: its own exchanges, queue prefix and store file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ConnectorConfig } from '../../config/index.ts';
import { AMQP_URL, type Namespace } from './amqp.ts';

export const TEST_SELLER = {
  businessId: '0646115-8',
  name: 'Acme Hosting Oy',
  vatCode: 'FI06461158',
  address: { street: 'Teirinkatu 6', postalCode: '65100', city: 'VAASA', countryCode: 'FI' },
  contact: { name: 'AR', email: 'ar@acme.example', phone: '+358501234567' },
  iban: 'FI2112345600000785',
  bic: 'NDEAFIHH',
};

export function testConfigRaw(ns: Namespace, agencyBaseUrl: string, storeFile?: string) {
  const file = storeFile ?? join(mkdtempSync(join(tmpdir(), 'conn-')), 'store.sqlite');
  return {
    broker: {
      url: AMQP_URL,
      inboundExchange: ns.erpExchange,
      outboundExchange: ns.agencyExchange,
      queuePrefix: ns.prefix,
      retryDelaysMs: [200, 500],
      maxAttempts: 4,
      prefetch: 20,
    },
    agency: {
      baseUrl: agencyBaseUrl,
      apiKey: 'sim-key',
      timeoutMs: 5000,
      rateLimit: { requestsPerSecond: 500, maxConcurrent: 20, instances: 1 },
      retry: { retries: 2, minDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5000 },
      circuit: { failureThreshold: 50, openMs: 1000 },
    },
    store: { url: `sqlite:${file}` },
    http: { port: 0 },
    log: { level: 'silent' },
    pipeline: { reconcileSettleMs: 200, parkMaxHours: 1, invoiceLeaseMs: 1500 },
    sources: { acme: { seller: TEST_SELLER } },
  };
}

export function testConfig(
  ns: Namespace,
  agencyBaseUrl: string,
  storeFile?: string,
): ConnectorConfig {
  return parseConfig(testConfigRaw(ns, agencyBaseUrl, storeFile), { env: {} });
}
