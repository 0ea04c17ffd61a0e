/**
 * Start-up time: from spawning `node <heap flags> connector/cli.ts start --config F` (the heap
 * flags of the bin script, `npm start` and the Dockerfile) to `GET /readyz` answering 200
 * "ready" (broker connected, consumers registered, store answering, agency check passed), polled
 * every few milliseconds from the spawn on; also to the "connector started" log line. Repeated
 * (default 5 runs) on one config: the first run finds a fresh namespace and an empty SQLite file
 * (it declares the topology, creates the schema), the later ones are restarts. Each run ends
 * with SIGTERM, timed too. No issue sets a start-up figure, so there is no target.
 *
 *   node bench/startup.bench.ts [--runs 5] [--poll-ms 10] [--timeout-s 60]
 */
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import { freePort, openConnectorBed } from './support/connector-bed.ts';
import { PRODUCTION_HEAP_FLAGS, startConnector } from './support/connector-process.ts';
import { readRssMb } from './support/proc-stats.ts';
import { printResult, round } from './support/result.ts';
import { median } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'poll-ms': { type: 'string', default: '10' },
    'timeout-s': { type: 'string', default: '60' },
  },
});
const runs = Number(values.runs);
const pollMs = Number(values['poll-ms']);
const timeoutMs = Number(values['timeout-s']) * 1000;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200 with status "ready"; resolves with performance.now(). */
async function pollReady(
  url: string,
  deadlineMs: number,
  stopped: () => boolean,
): Promise<{
  readyAtMs: number;
  polls: number;
  firstAnswerAtMs: number | null;
  /** The checks of the first "not ready" answer, if there was one. */
  notReady: string | null;
}> {
  let polls = 0;
  let firstAnswerAtMs: number | null = null;
  let notReady: string | null = null;
  while (performance.now() < deadlineMs && !stopped()) {
    polls += 1;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const at = performance.now();
      firstAnswerAtMs ??= at;
      const body = (await res.json().catch(() => ({}))) as { status?: unknown; checks?: unknown };
      if (res.status === 200 && body.status === 'ready')
        return { readyAtMs: at, polls, firstAnswerAtMs, notReady };
      notReady ??= `${res.status} ${JSON.stringify(body.checks ?? body)}`;
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (${polls} polls)`);
}

interface RunFigures {
  startedMs: number;
  readyMs: number;
  /** From spawn to the first HTTP answer of /readyz, ready or not. */
  firstAnswerMs: number;
  stopMs: number;
  exitCode: number | null;
  rssAtReadyMb: number;
}

const bed = await openConnectorBed({
  amqpUrl: AMQP_URL,
  label: 'bench-su',
  declareTopology: false,
});
const results: RunFigures[] = [];
try {
  for (let run = 1; run <= runs; run++) {
    const port = await freePort();
    let exited = false;
    const spawnedAt = performance.now();
    const connectorPromise = startConnector(bed.cfg.file, {
      env: { ...bed.env, HTTP_PORT: String(port) },
      timeoutMs,
    });
    const readyPromise = pollReady(
      `http://127.0.0.1:${port}/readyz`,
      spawnedAt + timeoutMs,
      () => exited,
    );
    const connector = await connectorPromise.catch((err: unknown) => {
      exited = true;
      throw err;
    });
    bed.track(connector);
    const ready = await readyPromise.catch((err: unknown) => {
      console.error(connector.output().slice(-4000));
      throw err;
    });
    const rssAtReadyMb = readRssMb(connector.pid) ?? Number.NaN;
    const stopAt = performance.now();
    const exitCode = await connector.stop();
    const figures: RunFigures = {
      startedMs: connector.startedAtMs - spawnedAt,
      readyMs: ready.readyAtMs - spawnedAt,
      firstAnswerMs: (ready.firstAnswerAtMs ?? ready.readyAtMs) - spawnedAt,
      stopMs: performance.now() - stopAt,
      exitCode,
      rssAtReadyMb,
    };
    results.push(figures);
    console.log(
      `run ${run}/${runs}    : "connector started" ${figures.startedMs.toFixed(0)} ms, ` +
        `/readyz ready ${figures.readyMs.toFixed(0)} ms (first answer ${figures.firstAnswerMs.toFixed(0)} ms, ${ready.polls} polls${ready.notReady ? `; first answer ${ready.notReady}` : ''}), ` +
        `RSS at ready ${rssAtReadyMb.toFixed(0)} MB; SIGTERM → exit ${exitCode ?? 'killed'} in ${figures.stopMs.toFixed(0)} ms` +
        (run === 1 ? ' (fresh namespace and store)' : ''),
    );
  }
} finally {
  await bed.close();
}

const ready = results.map((r) => r.readyMs);
const started = results.map((r) => r.startedMs);
const stops = results.map((r) => r.stopMs);
const figures = {
  runs,
  readyMedianMs: round(median(ready), 0),
  readyMaxMs: round(Math.max(...ready), 0),
  readyMinMs: round(Math.min(...ready), 0),
  startedMedianMs: round(median(started), 0),
  startedMaxMs: round(Math.max(...started), 0),
  firstRunReadyMs: round(ready[0] ?? Number.NaN, 0),
  stopMedianMs: round(median(stops), 0),
  stopMaxMs: round(Math.max(...stops), 0),
  rssAtReadyMedianMb: round(median(results.map((r) => r.rssAtReadyMb)), 0),
  cleanExits: results.filter((r) => r.exitCode === 0).length,
};
console.log(
  `start-up   : spawn → /readyz ready median ${figures.readyMedianMs} ms, max ${figures.readyMaxMs} ms; ` +
    `spawn → "connector started" median ${figures.startedMedianMs} ms, max ${figures.startedMaxMs} ms (${runs} runs)`,
);
console.log(
  `stop       : SIGTERM → exit median ${figures.stopMedianMs} ms, max ${figures.stopMaxMs} ms; ` +
    `${figures.cleanExits}/${runs} exited 0`,
);
console.log('target     : none set (no issue names a start-up figure)');
printResult({
  name: 'startup',
  figures,
  targets: {},
  notes: [
    `Spawn of node ${PRODUCTION_HEAP_FLAGS.join(' ')} connector/cli.ts start --config F (sources run through Node's type stripping, as the bin does without a build) → GET /readyz 200 "ready", polled every ${pollMs} ms from the spawn; ${runs} runs on one config, the first on a fresh namespace and SQLite file, the others restarts; the agency simulator in its own process, the broker local.`,
    'No issue sets a start-up target (issue 7 asks for the figure only); RELIABILITY.md asks /readyz to be healthy ≤ 15 s after faults end, a recovery time, not this.',
  ],
});
