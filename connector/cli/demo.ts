/**
 * `npm run demo`: the agency simulator and the connector on this machine's RabbitMQ, a handful
 * of sample invoices published as an ERP would, and what happened to each, in plain words.
 * Uses its own exchanges (demo.erp.events / demo.agency.events) and queue prefix, and a fresh
 * SQLite file, so it never mixes with a real deployment on the same broker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator } from '../../adapters/agency/simulator/index.ts';
import { createBroker, type Delivery } from '../../adapters/rabbitmq/index.ts';
import { loadConfig, type Env } from '../../config/index.ts';
import { composeConnector } from '../compose.ts';
import { createLogger, flushLogger } from '../logger.ts';
import { demoEvents } from './demo-events.ts';

const SOURCE = 'acme';

interface Result {
  type: string;
  causationid?: string;
  data: Record<string, unknown>;
}

function describe(result: Result | undefined): string {
  if (!result) return 'no answer yet';
  const d = result.data;
  switch (result.type) {
    case 'invoice.accepted':
      return `accepted by the agency${d.alreadyExisted ? ' (it already had it)' : ''}`;
    case 'invoice.rejected':
      return `REJECTED: ${String(d.reason)}`;
    case 'action.accepted':
      return `${String(d.code)} accepted (case ${String(d.caseId)})`;
    case 'action.rejected':
      return `${String(d.code)} REJECTED: ${String(d.reason)}`;
    default:
      return result.type;
  }
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

export async function runDemo(_argv: string[], env: Env): Promise<number> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'error', pretty: 'never' });
  const sim = createSimulator({ apiKeys: ['sim-key'] });
  const agency = await sim.listen({ port: 0 });
  out(`Agency simulator listening at ${agency.baseUrl}`);

  const runId = String(Date.now() % 1_000_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'agency-connector-demo-'));
  const base = await loadConfig({ file: 'config/connector.example.yaml', env });
  const config = {
    ...base,
    broker: {
      ...base.broker,
      url: env.AMQP_URL ?? base.broker.url,
      inboundExchange: 'demo.erp.events',
      outboundExchange: 'demo.agency.events',
      queuePrefix: 'demo-connector',
      retryDelaysMs: [1000, 5000],
    },
    agency: { ...base.agency, baseUrl: agency.baseUrl, apiKey: 'sim-key' },
    store: { url: `sqlite:${join(dataDir, 'demo.sqlite')}` },
    http: { ...base.http, port: 0 },
    log: { level: 'error' as const, pretty: 'never' as const },
  };
  const running = await composeConnector(config, logger);
  out(`Connector running (health: http://127.0.0.1:${running.httpPort}/readyz)`);

  // The ERP's side: a publisher and a queue bound to the results exchange.
  const resultsQueue = `demo-erp.results.${runId}`;
  const erp = createBroker({
    url: config.broker.url,
    log: logger.child({ module: 'demo-erp' }),
    connectionName: 'agency-connector-demo-erp',
    topology: {
      exchanges: [
        { name: config.broker.inboundExchange, type: 'topic' },
        {
          name: config.broker.outboundExchange,
          type: 'topic',
          alternateExchange: 'demo-connector.unroutable',
        },
        { name: 'demo-connector.unroutable', type: 'fanout' },
      ],
      queues: [
        {
          name: resultsQueue,
          quorum: false,
          messageTtlMs: 600_000,
          bindings: [{ exchange: config.broker.outboundExchange, routingKey: `${SOURCE}.#` }],
        },
      ],
    },
  });
  erp.start();
  const results = new Map<string, Result>();
  erp.consume(
    resultsQueue,
    (d: Delivery) => {
      const event = JSON.parse(d.body.toString('utf8')) as Result;
      if (event.causationid) results.set(event.causationid, event);
      d.ack();
      return Promise.resolve();
    },
    { prefetch: 50 },
  );
  await waitFor(
    async () =>
      erp.status().connected && (await running.connector.readiness()).checks.consumers === 'ok',
    10_000,
  );

  const events = demoEvents(SOURCE, runId);
  out('');
  out('The ERP publishes:');
  for (const event of events) {
    await erp.publish(config.broker.inboundExchange, event.routingKey, event.body, {
      messageId: event.messageId,
    });
    out(`  → ${event.label}`);
  }
  const expected = new Set(
    events.filter((e) => !e.label.includes('not JSON')).map((e) => e.messageId),
  );
  await waitFor(() => [...expected].every((id) => results.has(id)), 30_000);

  out('');
  out('What happened:');
  for (const event of events) {
    const note = event.label.includes('not JSON')
      ? 'dead-lettered (see the dead-letter queue demo-connector.dead-letter)'
      : event.label.includes('again')
        ? `duplicate: answered again, no second agency call (${describe(results.get(event.messageId))})`
        : describe(results.get(event.messageId));
    out(`  ${event.label.padEnd(48)} ${note}`);
  }
  const state = sim.state();
  out('');
  out(
    `At the agency: ${state.invoices.length} invoice(s), ${state.actions.length} action(s) received.`,
  );
  await running.stop();
  await erp.close();
  await agency.close();
  await flushLogger(logger);
  out('');
  out(
    'Next: `npm test`, `agency-connector simulator`, and README.md for configuration and operations.',
  );
  return 0;
}
