/**
 * Limiter benchmark: the agency client configured at R requests per second against the simulator
 * enforcing R per second (token bucket of R/4 tokens) on a local port. Pass: the client sustains
 * ≥ 98% of R with zero 429 answers, at R = 20 and R = 200, about 10 s each.
 *   node bench/limiter.bench.ts [seconds]
 */
import { createAgencyClient } from '../adapters/agency/index.ts';
import { createSimulator } from '../adapters/agency/simulator/index.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const KEY = 'bench-key';

interface BenchResult {
  rate: number;
  calls: number;
  ok: number;
  seconds: number;
  sendSeconds: number;
  sent: number;
  achieved: number;
  answered429: number;
  clientRefused: number;
  pass: boolean;
}

async function run(rate: number): Promise<BenchResult> {
  const sim = createSimulator({
    apiKeys: [KEY],
    rateLimit: { requestsPerSecond: rate, burst: Math.ceil(rate / 4) },
    recordBodies: false,
  });
  const server = await sim.listen({ port: 0 });
  let clientRefused = 0;
  const starts: number[] = [];
  const client = createAgencyClient({
    fetch: (input, init) => {
      starts.push(performance.now());
      return fetch(input, init);
    },
    baseUrl: server.baseUrl,
    apiKey: KEY,
    rateLimit: { requestsPerSecond: rate, maxConcurrent: 10, instances: 1 },
    retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 },
    timeoutMs: 10_000,
    onRequest: (e) => {
      if (e.outcome === 'refused') clientRefused++;
    },
  });
  const calls = rate * SECONDS;
  const start = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: calls }, () => client.validateToken({ priority: 'poll' })),
  );
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  const counts = sim.state().requestCounts;
  await server.close();
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  // The sustained rate: requests sent per second between the first and the last send (n sends
  // spaced 1/R apart span (n - 1)/R seconds). `seconds` also holds queueing all calls at start.
  const sendSeconds = ((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000;
  const achieved = (starts.length - 1) / sendSeconds;
  const answered429 = counts['GET /validate 429'] ?? 0;
  return {
    rate,
    calls,
    ok,
    seconds,
    sendSeconds,
    sent: starts.length,
    achieved,
    answered429,
    clientRefused,
    pass: ok === calls && starts.length === calls && answered429 === 0 && achieved >= 0.98 * rate,
  };
}

let failed = false;
for (const rate of [20, 200]) {
  const r = await run(rate);
  failed ||= !r.pass;
  console.log(
    `R=${r.rate}/s: ${r.ok}/${r.calls} calls ok, ${r.sent} sent over ${r.sendSeconds.toFixed(2)} s ` +
      `(wall ${r.seconds.toFixed(2)} s) → ${r.achieved.toFixed(2)}/s ` +
      `(${((100 * r.achieved) / r.rate).toFixed(1)}% of R), 429 answers: ${r.answered429}, ` +
      `client saw refused: ${r.clientRefused} → ${r.pass ? 'PASS' : 'FAIL'}`,
  );
}
process.exitCode = failed ? 1 : 0;
