/**
 * A child process for the two-instance rate test: one agency client (this instance's share of
 * the key's rate), N validate calls fired at once when the parent writes `go` on stdin. Prints
 * one JSON line with counts and timings. Usage:
 *   node test/helpers/agency-load-client.ts <baseUrl> <apiKey> <requestsPerSecond> <instances> <calls>
 */
import { createInterface } from 'node:readline';
import { createAgencyClient } from '../../adapters/agency/index.ts';

const [baseUrl, apiKey, rateArg, instancesArg, callsArg] = process.argv.slice(2);
if (!baseUrl || !apiKey || !rateArg || !instancesArg || !callsArg) {
  console.error(
    'usage: agency-load-client.ts <baseUrl> <apiKey> <requestsPerSecond> <instances> <calls>',
  );
  process.exit(2);
}

let refused = 0;
const client = createAgencyClient({
  baseUrl,
  apiKey,
  rateLimit: {
    requestsPerSecond: Number(rateArg),
    maxConcurrent: 10,
    instances: Number(instancesArg),
  },
  retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 },
  timeoutMs: 10_000,
  onRequest: (e) => {
    if (e.outcome === 'refused') refused++;
  },
});

const lines = createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const calls = Number(callsArg);
  const startMs = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: calls }, () => client.validateToken({ priority: 'poll' })),
  );
  const endMs = Date.now();
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  console.log(JSON.stringify({ ok, failed: calls - ok, refused, startMs, endMs }));
  break;
}
lines.close();
await client.close();
