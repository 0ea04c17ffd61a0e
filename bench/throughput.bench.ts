/**
 * End-to-end throughput: invoices per second through the connector (limiter effectively off,
 * the simulator in its own process, a fresh SQLite store with durable commits (WAL synced before each write resolves)), beside a raw
 * baseline in the same run (amqplib consume from a quorum queue → one fetch POST to the same
 * simulator → confirm publish → ack). Targets: connector ≥ 50% of the baseline and ≥ 800/s.
 *
 * Both sides pre-publish N messages, then start consuming and time until all N results have
 * arrived on their output exchange. The connector runs as a CHILD process
 * (`node connector/cli.ts start`), as in production; `--cpu-prof` profiles it.
 *
 *   node bench/throughput.bench.ts [--n 5000] [--prefetch 50] [--max-concurrent 64]
 *                                  [--skip-baseline] [--cpu-prof DIR]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import { runBaseline, type BaselineFigures } from './support/baseline.ts';
import {
  connectorTopology,
  countArrivals,
  declare,
  deleteAll,
  openBroker,
  publishBatched,
} from './support/broker.ts';
import { benchConnectorConfig, childEnv } from './support/connector-config.ts';
import { startConnector } from './support/connector-process.ts';
import { invoiceCreated } from './support/events.ts';
import { formatSummary, newestProfile, summariseProfile } from './support/cpu-profile.ts';
import { readCpuSeconds } from './support/proc-stats.ts';
import { printResult, round, type BenchTarget } from './support/result.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '5000' },
    prefetch: { type: 'string', default: '50' },
    'max-concurrent': { type: 'string', default: '64' },
    'skip-baseline': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const n = Number(values.n);
const prefetch = Number(values.prefetch);
const maxConcurrent = Number(values['max-concurrent']);
const timeoutMs = Number(values['timeout-s']) * 1000;
const API_KEY = 'sim-key';
const id = `bench-tp-${randomBytes(3).toString('hex')}`;

interface ConnectorFigures {
  perSecond: number;
  steadyPerSecond: number;
  seconds: number;
  startupSeconds: number;
  publishPerSecond: number;
  /** CPU seconds the connector process used from start to the last result. */
  cpuSeconds: number;
  results: Record<string, number>;
  duplicates: number;
}

async function runConnector(agencyBaseUrl: string): Promise<ConnectorFigures> {
  const cfg = benchConnectorConfig({
    id,
    amqpUrl: AMQP_URL,
    agencyBaseUrl,
    apiKey: API_KEY,
    prefetch,
    requestsPerSecond: 100_000,
    maxConcurrent,
  });
  const spec = connectorTopology(cfg.config);
  const broker = await openBroker(AMQP_URL);
  let stop: (() => Promise<unknown>) | null = null;
  try {
    await declare(broker, spec);
    const arrivals = await countArrivals(broker, cfg.config.broker.outboundExchange);
    const publishPerSecond = await publishBatched(
      broker,
      cfg.config.broker.inboundExchange,
      n,
      (i) => invoiceCreated(1 + i),
    );
    const spawnedAt = performance.now();
    const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
    const connector = await startConnector(cfg.file, { nodeArgs, env: childEnv() });
    stop = () => connector.stop();
    const cpuAtStart = readCpuSeconds(connector.pid) ?? 0;
    await arrivals.waitFor(n, timeoutMs).catch((err: unknown) => {
      console.error(connector.output().slice(-4000));
      throw err;
    });
    const cpuSeconds = (readCpuSeconds(connector.pid) ?? 0) - cpuAtStart;
    const seconds = ((arrivals.lastAtMs ?? 0) - connector.startedAtMs) / 1000;
    const steadySeconds = ((arrivals.lastAtMs ?? 0) - (arrivals.firstAtMs ?? 0)) / 1000;
    return {
      perSecond: n / seconds,
      steadyPerSecond: (n - 1) / steadySeconds,
      seconds,
      startupSeconds: (connector.startedAtMs - spawnedAt) / 1000,
      publishPerSecond,
      cpuSeconds,
      results: Object.fromEntries(arrivals.byRoutingKey),
      duplicates: arrivals.total - arrivals.count,
    };
  } finally {
    if (stop) await stop();
    await deleteAll(broker, spec);
    await broker.close();
    cfg.remove();
  }
}

const sim = await startSimulatorProcess(API_KEY);
let baseline: BaselineFigures | null = null;
let connector: ConnectorFigures;
try {
  if (!values['skip-baseline']) {
    baseline = await runBaseline({
      amqpUrl: AMQP_URL,
      agencyBaseUrl: sim.baseUrl,
      apiKey: API_KEY,
      prefix: id,
      count: n,
      prefetch,
      firstNumber: 50_000_000,
      timeoutMs,
    });
    console.log(
      `baseline   : ${n} messages in ${baseline.seconds.toFixed(2)} s → ${baseline.messagesPerSecond.toFixed(0)} msg/s ` +
        `(first→last result ${baseline.steadyPerSecond.toFixed(0)}/s; HTTP errors ${baseline.httpErrors}; ` +
        `pre-publish ${baseline.publishPerSecond.toFixed(0)}/s)`,
    );
  }
  connector = await runConnector(sim.baseUrl);
  console.log(
    `connector  : ${n} invoices in ${connector.seconds.toFixed(2)} s → ${connector.perSecond.toFixed(0)} invoices/s ` +
      `(first→last result ${connector.steadyPerSecond.toFixed(0)}/s; start-up ${connector.startupSeconds.toFixed(2)} s; ` +
      `connector CPU ${connector.cpuSeconds.toFixed(2)} s = ${((100 * connector.cpuSeconds) / connector.seconds).toFixed(0)}% of one core; ` +
      `pre-publish ${connector.publishPerSecond.toFixed(0)}/s)`,
  );
  console.log(`results    : ${JSON.stringify(connector.results)}`);
} finally {
  await sim.stop();
}

const profileDir = values['cpu-prof'];
const profile = profileDir ? newestProfile(profileDir) : null;
if (profile) {
  const steps = [
    'acquireLease',
    'releaseLease',
    'inFlight',
    'commit',
    'markOutboxSent',
    'publishRows',
    'sendHttp',
    'adapt',
  ];
  console.log(`${profile}\n${formatSummary(summariseProfile(profile, steps), n)}`);
}

const ratio = baseline ? connector.perSecond / baseline.messagesPerSecond : null;
const accepted = connector.results['acme.invoice.accepted'] ?? 0;
const otherResults = Object.values(connector.results).reduce((a, b) => a + b, 0) - accepted;
if (ratio !== null) console.log(`ratio      : ${(100 * ratio).toFixed(1)}% of the baseline`);
const targets: Record<string, BenchTarget> = {
  absolute: {
    description: '≥ 800 invoices/s end to end',
    figure: 'connectorPerSecond',
    met: connector.perSecond >= 800,
  },
  allAccepted: {
    description:
      'every invoice answered by invoice.accepted (distinct results; re-published duplicates allowed)',
    figure: 'acceptedResults',
    met: accepted === n && otherResults === 0,
  },
};
if (ratio !== null) {
  targets.ratio = {
    description: '≥ 50% of the raw baseline',
    figure: 'ratioPercent',
    met: ratio >= 0.5,
  };
}
for (const [key, t] of Object.entries(targets))
  console.log(`target ${key}: ${t.description} → ${t.met ? 'MET' : 'NOT MET'}`);
printResult({
  name: 'throughput',
  figures: {
    messages: n,
    prefetch,
    maxConcurrent,
    ...(baseline
      ? {
          baselinePerSecond: round(baseline.messagesPerSecond, 0),
          baselineSteadyPerSecond: round(baseline.steadyPerSecond, 0),
        }
      : {}),
    connectorPerSecond: round(connector.perSecond, 0),
    connectorSteadyPerSecond: round(connector.steadyPerSecond, 0),
    connectorSeconds: round(connector.seconds, 2),
    connectorCpuPercentOfOneCore: round((100 * connector.cpuSeconds) / connector.seconds, 0),
    ...(ratio !== null ? { ratioPercent: round(100 * ratio, 1) } : {}),
    acceptedResults: accepted,
    otherResults,
    duplicateResults: connector.duplicates,
  },
  targets,
  notes: [
    'Connector as a child process (node connector/cli.ts start), simulator as a child process (node connector/cli.ts simulator, POST bodies recorded: the CLI has no switch to turn that off).',
    `Connector: prefetch ${prefetch}, limiter ${maxConcurrent} concurrent at 100000 req/s, fresh SQLite file (WAL, synced before each write resolves). Times run from "connector started" to the last result on the output exchange.`,
    'Baseline: amqplib consume (same prefetch) from a quorum queue → fetch POST /invoice → confirm publish → ack; timed from consume to the last result.',
  ],
});
