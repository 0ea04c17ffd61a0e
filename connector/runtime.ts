/**
 * The running connector: wires the pipeline, the outbox relay, the parked sweeper and the
 * consumers to already-built adapters, and owns start/stop order. `connector/main.ts` builds the
 * real adapters from config; tests build this with the in-process simulator and a real broker.
 *
 * Stop order (SIGTERM/SIGINT): stop intake (cancel consumers) → wait for in-flight handlers →
 * stop sweepers and relay → close broker → close store. A message whose handler did not finish
 * is not acked: the broker redelivers it and the inbox absorbs the duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../adapters/store/index.ts';
import type { ConnectorConfig } from '../config/index.ts';
import { brokerNames } from './broker-names.ts';
import type { ErpAdapter } from './contract/index.ts';
import type { ReadinessReport } from './http/app.ts';
import type { Logger } from './logger.ts';
import { createInboundHandler, type InboundHandlerDeps } from './pipeline/inbound-handler.ts';
import type { MappingPort } from './pipeline/mapping-port.ts';
import { createOutboxRelay } from './pipeline/outbox-relay.ts';
import { createParkedSweeper } from './pipeline/parked-sweeper.ts';
import type { AgencyPort, InboundDelivery, Publisher } from './pipeline/ports.ts';
import { createRetryPublisher, type DelayTransport } from './pipeline/retry-publisher.ts';
import { createPaidInErpHook, createTaskService } from './debt-collection/index.ts';
import { createPollers, type OutboundMapper, type PollAgency } from './pollers/index.ts';

export interface BrokerPort extends Publisher, DelayTransport {
  consume(
    queue: string,
    handler: (delivery: InboundDelivery) => Promise<void>,
    options: { prefetch: number },
  ): Promise<void>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  status(): {
    connected: boolean;
    blocked: boolean;
    consumers: { queue: string; alive: boolean; lastDeliveryAt: number | null; inFlight: number }[];
  };
  close(): Promise<void>;
}

export interface AgencyRuntimePort extends AgencyPort, PollAgency {
  onBackpressure(
    listener: (e: { paused: boolean; untilMs: number | null; reason: string }) => void,
  ): () => void;
  checkConnection(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}

export interface ConnectorDeps {
  config: ConnectorConfig;
  logger: Logger;
  store: Store;
  agency: AgencyRuntimePort;
  broker: BrokerPort;
  mapper: MappingPort & OutboundMapper;
  adapters: Record<string, ErpAdapter>;
  instanceId: string;
  now?: () => Date;
  /** Extra hooks for the pipeline (Atomia queries, debt-collection task). */
  extend?: Pick<InboundHandlerDeps, 'applyLocal' | 'onOutcome'>;
}

export function createConnector(deps: ConnectorDeps) {
  const { config, store, broker, agency } = deps;
  const root = deps.logger;
  const logger = root.child({ module: 'connector' });
  const now = deps.now ?? (() => new Date());
  const names = brokerNames(config);
  const relay = createOutboxRelay({
    store,
    publisher: broker,
    logger: root.child({ module: 'outbox' }),
  });
  const retries = createRetryPublisher({
    transport: broker,
    delaysMs: config.broker.retryDelaysMs,
    inboundQueue: names.inboundQueue,
  });
  // The debt-collection scheduler and the pollers (which run it under their leader lease).
  const tasks = createTaskService({
    store,
    agency,
    mapper: deps.mapper,
    config,
    logger: root.child({ module: 'debt-collection' }),
    now,
    relay,
  });
  const pollers = createPollers({
    store,
    agency,
    mapper: deps.mapper,
    relay,
    config,
    logger: root,
    now,
    instanceId: deps.instanceId,
    inboundQueue: names.inboundQueue,
    tasks,
  });
  const paidInErp = createPaidInErpHook({
    store,
    agency,
    mapper: deps.mapper,
    reconcileSettleMs: config.pipeline.reconcileSettleMs,
    now,
  });
  const extendLocal = deps.extend?.applyLocal;
  const handle = createInboundHandler({
    ...(deps.extend ?? {}),
    applyLocal: async (ctx) => (await paidInErp(ctx)) ?? (extendLocal ? extendLocal(ctx) : null),
    config,
    store,
    agency,
    mapper: deps.mapper,
    adapters: deps.adapters,
    relay,
    retries,
    logger: root.child({ module: 'pipeline' }),
    instanceId: deps.instanceId,
    inboundQueue: names.inboundQueue,
    dlxExchange: names.deadLetterExchange,
    now,
    reply: (to, correlationId, body) =>
      broker.sendToQueue(to, JSON.stringify(body), {
        messageId: randomUUID(),
        correlationId,
      }),
  });
  const sweeper = createParkedSweeper({
    store,
    relay,
    logger: root.child({ module: 'parked' }),
    parkMaxMs: config.pipeline.parkMaxHours * 3_600_000,
    inboundQueue: names.inboundQueue,
    outboundExchange: config.broker.outboundExchange,
    dlxExchange: names.deadLetterExchange,
    now,
  });
  const sources = Object.keys(config.sources);
  let lastAgencyCheck: { ok: boolean; reason: string } = { ok: true, reason: 'ok' };
  let unsubscribe: (() => void) | null = null;
  let paused = false;

  async function setPaused(pause: boolean, reason: string): Promise<void> {
    if (pause === paused) return;
    paused = pause;
    logger.info(
      { reason },
      pause ? 'agency held back: intake paused' : 'agency flows: intake resumed',
    );
    for (const source of sources) {
      const queue = names.inboundQueue(source);
      await (pause ? broker.pause(queue) : broker.resume(queue)).catch((err: unknown) =>
        logger.warn({ err, queue }, 'could not change consumer state'),
      );
    }
  }

  async function readiness(): Promise<ReadinessReport> {
    const checks: Record<string, string> = {};
    const status = broker.status();
    checks.broker = !status.connected ? 'disconnected' : status.blocked ? 'blocked' : 'ok';
    const dead = status.consumers.filter((c) => !c.alive && !paused);
    checks.consumers = dead.length > 0 ? `${dead.length} consumer(s) down` : 'ok';
    try {
      await store.ping();
      checks.store = 'ok';
    } catch {
      checks.store = 'unreachable';
    }
    checks.agency = lastAgencyCheck.ok ? 'ok' : 'last check failed';
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  }

  return {
    handle,
    relay,
    sweeper,
    pollers,
    tasks,
    readiness,
    /** Checks the agency connection for readiness; resolves whether the check passed. */
    async checkAgency(): Promise<boolean> {
      const result = await agency.checkConnection();
      lastAgencyCheck = result.ok
        ? { ok: true, reason: 'ok' }
        : { ok: false, reason: result.reason };
      return result.ok;
    },
    agencyCheckPassed: (): boolean => lastAgencyCheck.ok,
    async start(): Promise<void> {
      unsubscribe = agency.onBackpressure((e) => {
        void setPaused(e.paused, e.reason);
      });
      relay.start();
      sweeper.start();
      pollers.start();
      for (const source of sources) {
        await broker.consume(names.inboundQueue(source), (d) => handle(source, d), {
          prefetch: config.broker.prefetch,
        });
      }
      logger.info({ sources }, 'connector started');
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      await pollers.stop();
      await sweeper.stop();
      await broker.close(); // cancels consumers, waits for in-flight handlers and confirms
      await relay.stop();
      await agency.close();
      await store.close();
      logger.info('connector stopped');
    },
  };
}

export type Connector = ReturnType<typeof createConnector>;
