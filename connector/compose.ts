/**
 * Builds a running connector from a validated config: real adapters (store, agency client,
 * RabbitMQ broker, mappings, ERP adapters), the runtime, and the HTTP server. Used by `start`
 * and by `demo`; tests build `createConnector` with their own adapters instead.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createAtomiaAdapter } from '../adapters/erp/atomia/index.ts';
import { createGenericAdapter } from '../adapters/erp/generic/index.ts';
import { createStore } from '../adapters/store/index.ts';
import type { ConnectorConfig } from '../config/index.ts';
import { agencyClientFromConfig, brokerFromConfig } from './adapters-from-config.ts';
import { createBrokerPort } from './broker-port.ts';
import { wireHttp } from './http/wire.ts';
import type { Logger } from './logger.ts';
import { agencyRequestValidators } from './mapping/agency-validators.ts';
import { createMappingPort } from './mapping/mapping-port.ts';
import { createConnectorMetrics, instrumentPublishes } from './metrics/index.ts';
import { createConnector, type Connector } from './runtime.ts';

export interface ComposeOptions {
  /** Directory of the mapping files. */
  mappingsDir?: string;
  /** Start the HTTP server (default true). */
  http?: boolean;
  instanceId?: string;
}

export interface RunningConnector {
  connector: Connector;
  /** Bound HTTP port, when the server runs. */
  httpPort: number | null;
  stop(): Promise<void>;
}

export async function composeConnector(
  config: ConnectorConfig,
  logger: Logger,
  options: ComposeOptions = {},
): Promise<RunningConnector> {
  // checked before the store opens (agencyClientFromConfig checks it too)
  if (!config.agency.baseUrl || !config.agency.apiKey) {
    throw new Error('agency.baseUrl and agency.apiKey are required');
  }
  const mapper = await createMappingPort(options.mappingsDir ?? 'mappings', {
    validators: agencyRequestValidators,
  });
  const store = await createStore(config.store.url, { logger: logger.child({ module: 'store' }) });
  const metrics = createConnectorMetrics();
  const agency = agencyClientFromConfig(config, logger, metrics.onAgencyRequest);
  const broker = brokerFromConfig(config, logger, 'agency-connector');
  broker.start();
  const connector = createConnector({
    config,
    logger,
    store,
    agency,
    broker: instrumentPublishes(
      createBrokerPort(broker, config),
      config.broker.outboundExchange,
      metrics.onPublished,
    ),
    mapper,
    adapters: { generic: createGenericAdapter(), atomia: createAtomiaAdapter() },
    instanceId: options.instanceId ?? randomUUID(),
    extend: { onOutcome: metrics.onOutcome },
  });
  await connector.checkAgency().catch((err: unknown) => {
    logger.warn({ err }, 'agency connection check failed at start-up');
  });
  await connector.start();

  const http = wireHttp({
    config,
    store,
    broker,
    agency,
    connector,
    metrics,
    logger: logger.child({ module: 'http' }),
  });
  let server: ReturnType<typeof serve> | null = null;
  let httpPort: number | null = null;
  if (options.http !== false) {
    const { app } = http;
    httpPort = await new Promise<number>((resolve) => {
      server = serve(
        { fetch: app.fetch, port: config.http.port, hostname: config.http.host },
        (info) => resolve(info.port),
      );
    });
    logger.info({ port: httpPort }, 'http server listening');
  }

  return {
    connector,
    httpPort,
    async stop() {
      const s = server;
      http.stop();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      await connector.stop();
    },
  };
}
