/**
 * End-to-end latency at a fixed offered rate of half the maximum: an open-loop publisher sends
 * invoice.created on the ERP exchange at a steady rate, whatever the connector does, and each
 * event's latency runs from its publish to the arrival of its result (invoice.accepted, matched
 * by `causationid`) on the agency exchange. Prints p50/p90/p99/max and the rates achieved.
 *
 * The maximum rate is `--max-rate` (run-all passes the throughput benchmark's connector figure)
 * or, when absent, a probe in the same way as bench/throughput.bench.ts: a backlog of
 * `--probe-n` invoices published before the connector starts, drained, rate = invoices / time
 * from "connector started" to the last result. The connector (a child process with the
 * production heap flags) and the agency simulator (its own process) are set up as there; the
 * first `--warmup` events at the offered rate are not counted (2,000 by default: the connector's
 * first seconds run slower while V8 compiles the hot path, and with a 200-event warm-up the queue
 * built then was still in the measurement, p50 836 ms against 15 ms). No issue sets a latency figure,
 * so there is no target.
 *
 *   node bench/latency.bench.ts [--max-rate N] [--n 3000 | --duration-s S] [--warmup 2000]
 *                               [--probe-n 2000] [--prefetch 50] [--max-concurrent 64]
 */
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import { countArrivals, publishBatched, type BenchBroker } from './support/broker.ts';
import { openConnectorBed } from './support/connector-bed.ts';
import { PRODUCTION_HEAP_FLAGS, startConnector } from './support/connector-process.ts';
import { invoiceCreated } from './support/events.ts';
import { printResult, round } from './support/result.ts';
import { distribution } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    'max-rate': { type: 'string' },
    n: { type: 'string', default: '3000' },
    'duration-s': { type: 'string' },
    warmup: { type: 'string', default: '2000' },
    'probe-n': { type: 'string', default: '2000' },
    prefetch: { type: 'string', default: '50' },
    'max-concurrent': { type: 'string', default: '64' },
    'timeout-s': { type: 'string', default: '300' },
  },
});
const givenMaxRate = values['max-rate'] === undefined ? null : Number(values['max-rate']);
if (givenMaxRate !== null && !(givenMaxRate > 0)) throw new Error('--max-rate must be > 0');
const warmup = Number(values.warmup);
const probeN = Number(values['probe-n']);
const prefetch = Number(values.prefetch);
const maxConcurrent = Number(values['max-concurrent']);
const timeoutMs = Number(values['timeout-s']) * 1000;
const ACCEPTED = 'acme.invoice.accepted';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Result {
  atMs: number;
  routingKey: string;
}

/** Collects results on `exchange` by causationid (first arrival only), with arrival times. */
async function collectResults(broker: BenchBroker, exchange: string) {
  const ch = await broker.model.createChannel();
  ch.on('error', () => undefined);
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await ch.bindQueue(queue, exchange, '#');
  const byCause = new Map<string, Result>();
  let duplicates = 0;
  let unmatched = 0;
  await ch.consume(
    queue,
    (m) => {
      if (!m) return;
      const atMs = performance.now();
      let cause: unknown;
      try {
        cause = (JSON.parse(m.content.toString('utf8')) as { causationid?: unknown }).causationid;
      } catch {
        cause = undefined;
      }
      if (typeof cause !== 'string') unmatched += 1;
      else if (byCause.has(cause)) duplicates += 1;
      else byCause.set(cause, { atMs, routingKey: m.fields.routingKey });
    },
    { noAck: true },
  );
  return {
    byCause,
    get duplicates() {
      return duplicates;
    },
    get unmatched() {
      return unmatched;
    },
  };
}

const bed = await openConnectorBed({
  amqpUrl: AMQP_URL,
  label: 'bench-lat',
  prefetch,
  maxConcurrent,
});
const { inboundExchange, outboundExchange } = bed.cfg.config.broker;

interface Sent {
  id: string;
  atMs: number;
}

let figures: Record<string, number | string>;
let maxRate: number;
let maxRateSource: string;
try {
  // 1. The maximum rate: given, or a backlog drained by a fresh connector (as throughput.bench.ts).
  let connector;
  if (givenMaxRate === null) {
    const arrivals = await countArrivals(bed.broker, outboundExchange);
    await publishBatched(bed.broker, inboundExchange, probeN, (i) => invoiceCreated(1 + i));
    connector = await startConnector(bed.cfg.file, { env: bed.env });
    bed.track(connector);
    await arrivals.waitFor(probeN, timeoutMs);
    maxRate = probeN / (((arrivals.lastAtMs ?? 0) - connector.startedAtMs) / 1000);
    maxRateSource = `probe: ${probeN} invoices drained`;
    console.log(
      `max rate   : ${maxRate.toFixed(0)} invoices/s (probe: a backlog of ${probeN} drained from "connector started" to the last result)`,
    );
  } else {
    connector = await startConnector(bed.cfg.file, { env: bed.env });
    bed.track(connector);
    maxRate = givenMaxRate;
    maxRateSource = 'given (--max-rate)';
    console.log(`max rate   : ${maxRate} invoices/s (given with --max-rate)`);
  }

  // 2. Open-loop publishing at half the maximum: event i is due at t0 + i / rate.
  const offered = maxRate / 2;
  const n =
    values['duration-s'] === undefined
      ? Number(values.n)
      : Math.max(1, Math.round(offered * Number(values['duration-s'])));
  const total = warmup + n;
  const results = await collectResults(bed.broker, outboundExchange);
  const sent: Sent[] = [];
  const intervalMs = 1000 / offered;
  let maxLagMs = 0;
  console.log(
    `offered    : ${offered.toFixed(1)} invoices/s, ${warmup} warm-up + ${n} measured (≈ ${(total / offered).toFixed(0)} s)`,
  );
  const t0 = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && t0 + i * intervalMs <= now) {
      const m = invoiceCreated(1_000_000 + i);
      const atMs = performance.now();
      maxLagMs = Math.max(maxLagMs, atMs - (t0 + i * intervalMs));
      const ok = bed.broker.channel.publish(inboundExchange, m.routingKey, Buffer.from(m.body), {
        persistent: true,
        contentType: 'application/json',
        messageId: m.messageId,
      });
      sent.push({ id: m.messageId, atMs });
      i += 1;
      if (!ok) await new Promise((resolve) => bed.broker.channel.once('drain', resolve));
    }
    await sleep(Math.max(0, t0 + i * intervalMs - performance.now()));
  }
  await bed.broker.channel.waitForConfirms();
  const measured = sent.slice(warmup);
  const deadline = performance.now() + timeoutMs;
  while (
    measured.some((s) => !results.byCause.has(s.id)) &&
    performance.now() < deadline &&
    connector.child.exitCode === null
  ) {
    await sleep(50);
  }

  // 3. Figures over the measured events.
  const latencies: number[] = [];
  const arrivalsAt: number[] = [];
  let missing = 0;
  let other = 0;
  for (const s of measured) {
    const r = results.byCause.get(s.id);
    if (!r) {
      missing += 1;
      continue;
    }
    if (r.routingKey !== ACCEPTED) other += 1;
    latencies.push(r.atMs - s.atMs);
    arrivalsAt.push(r.atMs);
  }
  arrivalsAt.sort((a, b) => a - b);
  const d = distribution(latencies);
  const publishSeconds = ((measured.at(-1)?.atMs ?? 0) - (measured[0]?.atMs ?? 0)) / 1000;
  const resultSeconds = ((arrivalsAt.at(-1) ?? 0) - (arrivalsAt[0] ?? 0)) / 1000;
  const achievedPublish = (measured.length - 1) / publishSeconds;
  const achievedResults = (arrivalsAt.length - 1) / resultSeconds;
  console.log(
    `achieved   : published ${achievedPublish.toFixed(1)}/s (publisher at most ${maxLagMs.toFixed(1)} ms behind its schedule), ` +
      `results ${achievedResults.toFixed(1)}/s; ${d.count}/${n} results (${missing} missing, ${other} other than invoice.accepted, ` +
      `${results.duplicates} duplicates)`,
  );
  console.log(
    `latency    : p50 ${d.p50.toFixed(1)} ms, p90 ${d.p90.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, ` +
      `max ${d.max.toFixed(1)} ms, mean ${d.mean.toFixed(1)} ms (publish of invoice.created → invoice.accepted on the agency exchange)`,
  );
  figures = {
    maxRatePerSecond: round(maxRate, 0),
    maxRateSource,
    offeredPerSecond: round(offered, 1),
    messages: n,
    warmup,
    achievedPublishPerSecond: round(achievedPublish, 1),
    achievedResultsPerSecond: round(achievedResults, 1),
    publisherMaxLagMs: round(maxLagMs, 1),
    p50Ms: round(d.p50, 1),
    p90Ms: round(d.p90, 1),
    p99Ms: round(d.p99, 1),
    maxMs: round(d.max, 1),
    meanMs: round(d.mean, 1),
    results: d.count,
    missingResults: missing,
    otherResults: other,
    duplicateResults: results.duplicates,
  };
} finally {
  await bed.close();
}

console.log('target     : none set (no issue names a latency figure)');
printResult({
  name: 'latency',
  figures,
  targets: {},
  notes: [
    `Open-loop publisher (confirm channel, persistent) at half the maximum rate (${maxRateSource}); latency from each publish to its invoice.accepted (matched by causationid) on the agency exchange, both timed in the benchmark process; the first ${warmup} events are a warm-up and not counted.`,
    `Connector as a child process (node ${PRODUCTION_HEAP_FLAGS.join(' ')} connector/cli.ts start), prefetch ${prefetch}, limiter ${maxConcurrent} concurrent at 100000 req/s (effectively off), fresh SQLite file (durable commits (WAL synced before each write resolves)); simulator as a child process.`,
    'No issue sets a latency target: issue 7 asks for p50/p99 at half the maximum rate, without a figure.',
  ],
});
