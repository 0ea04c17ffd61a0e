/**
 * The transport tests' connector, in process, built like `connector/compose.ts` (same adapters,
 * same options, nothing the product does not pass) but keeping hold of the RabbitMQ `Broker`, so
 * the tests can read its status (unconfirmed publishes, consumers, blocked) and its events with
 * their times. Logs go to an array (JSON lines parsed). `connector-fork.ts` runs the same in a
 * child process; `checker.ts` is the test's own client on the broker.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomiaAdapter } from '../../../adapters/erp/atomia/index.ts';
import { createGenericAdapter } from '../../../adapters/erp/generic/index.ts';
import { type Broker, type BrokerEvents } from '../../../adapters/rabbitmq/index.ts';
import { createStore, type Store } from '../../../adapters/store/index.ts';
import { parseConfig, type ConnectorConfig } from '../../../config/index.ts';
import {
  agencyClientFromConfig,
  brokerFromConfig,
} from '../../../connector/adapters-from-config.ts';
import { createBrokerPort } from '../../../connector/broker-port.ts';
import { wireHttp } from '../../../connector/http/wire.ts';
import { createLogger } from '../../../connector/logger.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { createConnectorMetrics, instrumentPublishes } from '../../../connector/metrics/index.ts';
import { createConnector, type Connector } from '../../../connector/runtime.ts';
import { type Namespace } from '../../helpers/amqp.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';

export interface LogLine {
  time: number;
  level: number;
  msg: string;
  module?: string;
  link?: string;
  queue?: string;
  err?: string;
}

export interface TimelineEntry {
  at: number;
  event: keyof BrokerEvents;
  link?: string;
  detail?: string;
}

type RawConfig = ReturnType<typeof testConfigRaw> & Record<string, unknown>;

export interface HarnessOptions {
  ns: Namespace;
  brokerUrl: string;
  agencyBaseUrl: string;
  heartbeatSeconds?: number;
  logLevel?: 'debug' | 'info';
  /** Changes to the raw config before it is parsed. */
  configure?: (raw: RawConfig) => void;
}

export interface Harness {
  config: ConnectorConfig;
  broker: Broker;
  connector: Connector;
  store: Store;
  logs: LogLine[];
  timeline: TimelineEntry[];
  /** Pipeline outcomes in order (done, duplicate, retried, parked, dead_lettered). */
  outcomes: { at: number; type: string; outcome: string }[];
  readyz(): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }>;
  /** Both links up and every consumer registered. */
  healthy(): boolean;
  stop(): Promise<void>;
}

let mapperPromise: ReturnType<typeof createMappingPort> | null = null;

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const raw = testConfigRaw(options.ns, options.agencyBaseUrl) as RawConfig;
  raw.broker.url = options.brokerUrl;
  (raw.broker as Record<string, unknown>).heartbeatSeconds = options.heartbeatSeconds ?? 15;
  (raw as Record<string, unknown>).pollers = { enabled: false };
  options.configure?.(raw);
  const config = parseConfig(raw, { env: {} });
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'info',
    pretty: 'never',
    destination: {
      write(line: string) {
        const o = JSON.parse(line) as Record<string, unknown>;
        const err = o.err as { message?: string; code?: string | number } | undefined;
        logs.push({
          time: Date.parse(String(o.time)),
          level: Number(o.level),
          msg: String(o.msg),
          ...(typeof o.module === 'string' ? { module: o.module } : {}),
          ...(typeof o.link === 'string' ? { link: o.link } : {}),
          ...(typeof o.queue === 'string' ? { queue: o.queue } : {}),
          ...(err ? { err: `${err.code ?? ''} ${err.message ?? ''}`.trim() } : {}),
        });
      },
    },
  });
  mapperPromise ??= createMappingPort('mappings', { validators: agencyRequestValidators });
  const mapper = await mapperPromise;
  const file = join(mkdtempSync(join(tmpdir(), 'transport-')), 'store.sqlite');
  const store = await createStore(`sqlite:${file}`, {
    logger: logger.child({ module: 'store' }),
  });
  const metrics = createConnectorMetrics({ processMetrics: false });
  const agency = agencyClientFromConfig(config, logger, metrics.onAgencyRequest);
  // As compose.ts builds it (no reconnect options: the adapter's defaults are under test).
  const broker = brokerFromConfig(config, logger, `agency-connector-${options.ns.id}`);
  const timeline: TimelineEntry[] = [];
  const events: (keyof BrokerEvents)[] = [
    'connected',
    'disconnected',
    'blocked',
    'unblocked',
    'consumer-cancelled',
  ];
  for (const event of events) {
    broker.on(event, (p) => {
      const payload = p as { link?: string; queue?: string; reason?: string; error?: Error };
      timeline.push({
        at: Date.now(),
        event,
        ...(payload.link ? { link: payload.link } : {}),
        ...(payload.queue || payload.reason || payload.error
          ? { detail: payload.queue ?? payload.reason ?? payload.error?.message }
          : {}),
      });
    });
  }
  broker.start();
  const outcomes: Harness['outcomes'] = [];
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
    instanceId: randomUUID(),
    extend: {
      onOutcome: (e) => {
        outcomes.push({ at: Date.now(), type: e.type, outcome: e.outcome });
        metrics.onOutcome(e);
      },
    },
  });
  await connector.checkAgency().catch(() => undefined);
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
  let stopped = false;
  return {
    config,
    broker,
    connector,
    store,
    logs,
    timeline,
    outcomes,
    async readyz() {
      const res = await http.app.request('/readyz');
      return { status: res.status, body: (await res.json()) as never };
    },
    healthy() {
      const s = broker.status();
      return s.connected && s.consumers.every((c) => c.alive);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      http.stop();
      await connector.stop();
    },
  };
}
