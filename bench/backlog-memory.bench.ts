/**
 * Memory while draining a backlog: N invoice.created events (default 100,000) are published to
 * the inbound queue first, then the connector starts as a CHILD process and drains them while
 * its RSS (`/proc/<pid>/status` VmRSS) is sampled every 500 ms. Targets: RSS stays under 300 MB
 * and stops growing after the first tenth of the drain (growth from 10% to 100% ≤ 10%; the
 * allowance is this benchmark's reading of "stops growing").
 *
 *   node bench/backlog-memory.bench.ts [--n 100000] [--prefetch 50] [--sample-ms 500] [--trace-gc]
 *
 * `--trace-gc` runs the connector with `node --trace-gc` and reports the V8 heap in use after
 * each major GC (mark-compact): live memory, as opposed to RSS, which also holds garbage V8 has
 * not collected yet.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import {
  connectorTopology,
  countArrivals,
  declare,
  deleteAll,
  openBroker,
  publishBatched,
} from './support/broker.ts';
import { benchConnectorConfig, childEnv } from './support/connector-config.ts';
import { startConnector, type BenchConnectorProcess } from './support/connector-process.ts';
import { invoiceCreated } from './support/events.ts';
import { readCpuSeconds, sampleRss, type RssSample } from './support/proc-stats.ts';
import { printResult, round, type BenchTarget } from './support/result.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    prefetch: { type: 'string', default: '50' },
    'max-concurrent': { type: 'string', default: '64' },
    'sample-ms': { type: 'string', default: '500' },
    'timeout-s': { type: 'string', default: '3600' },
    'trace-gc': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const prefetch = Number(values.prefetch);
const sampleMs = Number(values['sample-ms']);
const API_KEY = 'sim-key';
const RSS_LIMIT_MB = 300;
const GROWTH_ALLOWANCE = 0.1;
const id = `bench-bl-${randomBytes(3).toString('hex')}`;

/** RSS of the first sample at or after `fraction` of the drain. */
function rssAt(samples: RssSample[], fraction: number): number {
  const at = samples.find((s) => s.progress >= fraction * n) ?? samples.at(-1);
  return at?.rssMb ?? Number.NaN;
}

const sim = await startSimulatorProcess(API_KEY);
const cfg = benchConnectorConfig({
  id,
  amqpUrl: AMQP_URL,
  agencyBaseUrl: sim.baseUrl,
  apiKey: API_KEY,
  prefetch,
  requestsPerSecond: 100_000,
  maxConcurrent: Number(values['max-concurrent']),
});
const spec = connectorTopology(cfg.config);
const broker = await openBroker(AMQP_URL);
let connector: BenchConnectorProcess | null = null;
interface BacklogFigures {
  messages: number;
  rssStartMb: number;
  rssAt10PercentMb: number;
  rssAt50PercentMb: number;
  rssAt100PercentMb: number;
  rssMaxMb: number;
  growthAfterTenthMb: number;
  growthAfterTenthPercent: number;
  drainPerSecond: number;
  drainSeconds: number;
  connectorCpuSeconds: number;
  samples: number;
  acceptedResults: number;
  otherResults: number;
  duplicateResults: number;
  /** With --trace-gc: V8 heap in use after the last major GC before 10%, 50% and 100%. */
  heapAfterGcAt10PercentMb?: number;
  heapAfterGcAt50PercentMb?: number;
  heapAfterGcAt100PercentMb?: number;
  /** V8 heap reserved (committed) after the last major GC. */
  heapCommittedAtEndMb?: number;
}
let figures!: BacklogFigures;
try {
  await declare(broker, spec);
  const arrivals = await countArrivals(broker, cfg.config.broker.outboundExchange);
  const publishPerSecond = await publishBatched(
    broker,
    cfg.config.broker.inboundExchange,
    n,
    (i) => invoiceCreated(1 + i),
    1000,
  );
  console.log(
    `published  : ${n} invoice.created at ${publishPerSecond.toFixed(0)}/s (confirms per 1,000)`,
  );
  connector = await startConnector(cfg.file, {
    env: childEnv(),
    nodeArgs: values['trace-gc'] ? ['--trace-gc'] : [],
  });
  const gcMarks: { progress: number; heapMb: number; committedMb: number }[] = [];
  let gcSeen = 0;
  const gcWatch = setInterval(() => {
    const lines = (connector?.output() ?? '').split('\n');
    for (const line of lines.slice(gcSeen, -1)) {
      const m = /Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\)/.exec(line);
      if (m)
        gcMarks.push({ progress: arrivals.count, heapMb: Number(m[1]), committedMb: Number(m[2]) });
    }
    gcSeen = Math.max(0, lines.length - 1);
  }, 200);
  const rssAtStartMb = sampleRss(connector.pid, 1, () => 0);
  rssAtStartMb.stop();
  const sampler = sampleRss(connector.pid, sampleMs, () => arrivals.count);
  const progress = setInterval(() => {
    const last = sampler.samples.at(-1);
    console.log(`  ${arrivals.count}/${n} drained, RSS ${last?.rssMb.toFixed(0) ?? '?'} MB`);
  }, 30_000);
  try {
    await arrivals.waitFor(n, Number(values['timeout-s']) * 1000);
  } finally {
    clearInterval(progress);
    clearInterval(gcWatch);
    sampler.stop();
  }
  const heapBefore = (fraction: number): number | undefined =>
    gcMarks.filter((g) => g.progress <= fraction * n).at(-1)?.heapMb;
  const cpuSeconds = readCpuSeconds(connector.pid) ?? Number.NaN;
  const samples = sampler.samples;
  const seconds = ((arrivals.lastAtMs ?? 0) - connector.startedAtMs) / 1000;
  const at10 = rssAt(samples, 0.1);
  const at50 = rssAt(samples, 0.5);
  const at100 = rssAt(samples, 1);
  const afterTenth = samples.filter((s) => s.progress >= 0.1 * n);
  const maxAfterTenth = Math.max(...afterTenth.map((s) => s.rssMb));
  figures = {
    messages: n,
    rssStartMb: round(rssAtStartMb.samples[0]?.rssMb ?? Number.NaN, 0),
    rssAt10PercentMb: round(at10, 0),
    rssAt50PercentMb: round(at50, 0),
    rssAt100PercentMb: round(at100, 0),
    rssMaxMb: round(Math.max(...samples.map((s) => s.rssMb)), 0),
    growthAfterTenthMb: round(maxAfterTenth - at10, 0),
    growthAfterTenthPercent: round((100 * (maxAfterTenth - at10)) / at10, 1),
    drainPerSecond: round(n / seconds, 0),
    drainSeconds: round(seconds, 1),
    connectorCpuSeconds: round(cpuSeconds, 1),
    samples: samples.length,
    acceptedResults: arrivals.byRoutingKey.get('acme.invoice.accepted') ?? 0,
    otherResults: arrivals.count - (arrivals.byRoutingKey.get('acme.invoice.accepted') ?? 0),
    duplicateResults: arrivals.total - arrivals.count,
  };
  if (values['trace-gc']) {
    figures.heapAfterGcAt10PercentMb = round(heapBefore(0.1) ?? Number.NaN, 0);
    figures.heapAfterGcAt50PercentMb = round(heapBefore(0.5) ?? Number.NaN, 0);
    figures.heapAfterGcAt100PercentMb = round(heapBefore(1) ?? Number.NaN, 0);
    figures.heapCommittedAtEndMb = round(gcMarks.at(-1)?.committedMb ?? Number.NaN, 0);
    console.log(
      `heap after mark-compact: ${gcMarks.length} major GCs; at 10% ${figures.heapAfterGcAt10PercentMb} MB, ` +
        `at 50% ${figures.heapAfterGcAt50PercentMb} MB, at 100% ${figures.heapAfterGcAt100PercentMb} MB; ` +
        `V8 heap committed after the last one ${figures.heapCommittedAtEndMb} MB`,
    );
  }
  console.log(
    `RSS        : start ${figures.rssStartMb} MB, at 10% ${figures.rssAt10PercentMb} MB, at 50% ${figures.rssAt50PercentMb} MB, ` +
      `at 100% ${figures.rssAt100PercentMb} MB, max ${figures.rssMaxMb} MB; growth after the first tenth ` +
      `${figures.growthAfterTenthMb} MB (${figures.growthAfterTenthPercent}%)`,
  );
  console.log(
    `drain      : ${n} in ${figures.drainSeconds} s → ${figures.drainPerSecond} invoices/s ` +
      `(connector CPU ${figures.connectorCpuSeconds} s); results ${JSON.stringify(Object.fromEntries(arrivals.byRoutingKey))}`,
  );
} finally {
  if (connector) await connector.stop();
  await sim.stop();
  await deleteAll(broker, spec);
  await broker.close();
  cfg.remove();
}

const targets: Record<string, BenchTarget> = {
  rssCap: {
    description: `RSS < ${RSS_LIMIT_MB} MB throughout`,
    figure: 'rssMaxMb',
    met: figures.rssMaxMb < RSS_LIMIT_MB,
  },
  rssFlat: {
    description: `RSS stops growing after the first tenth (max after 10% ≤ RSS at 10% + ${100 * GROWTH_ALLOWANCE}%)`,
    figure: 'growthAfterTenthPercent',
    met: figures.growthAfterTenthPercent <= 100 * GROWTH_ALLOWANCE,
  },
  allAccepted: {
    description:
      'every invoice answered by invoice.accepted (distinct results; re-published duplicates allowed)',
    figure: 'acceptedResults',
    met: figures.acceptedResults === n && figures.otherResults === 0,
  },
};
for (const [key, t] of Object.entries(targets))
  console.log(`target ${key}: ${t.description} → ${t.met ? 'MET' : 'NOT MET'}`);
printResult({
  name: 'backlog-memory',
  figures: Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== undefined)),
  targets,
  notes: [
    `Backlog of ${n} invoice.created published before the connector started; connector as a child process (prefetch ${prefetch}, limiter effectively off, fresh SQLite file, durable commits (WAL synced before each write resolves)); RSS from /proc/<pid>/status every ${sampleMs} ms; drain = results on the output exchange.`,
  ],
});
