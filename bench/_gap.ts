import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const LD = require('bottleneck/lib/LocalDatastore.js');
const orig = LD.prototype.__register__;
let zeroWaits = 0, regs = 0; let lateSum = 0;
LD.prototype.__register__ = async function (...a: unknown[]) {
  const before = this._nextRequest; const r = await orig.apply(this, a);
  if (r.success) { regs++; const now = Date.now(); if (r.wait === 0) { zeroWaits++; lateSum += Math.max(0, now - before); } }
  return r;
};
const { createAgencyClient } = await import('../adapters/agency/index.ts');
const { createSimulator } = await import('../adapters/agency/simulator/index.ts');
const rate = 200, N = 2000;
const sim = createSimulator({ apiKeys: ['k'], rateLimit: { requestsPerSecond: rate, burst: 50 }, recordBodies: false });
const server = await sim.listen({ port: 0 });
const starts: number[] = [];
const client = createAgencyClient({ baseUrl: server.baseUrl, apiKey: 'k', rateLimit: { requestsPerSecond: rate, maxConcurrent: Number(process.env.MC ?? 10), instances: 1 },
  retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 }, timeoutMs: 10_000,
  fetch: (i, init) => { starts.push(performance.now()); return fetch(i, init); } });
await Promise.all(Array.from({ length: N }, () => client.validateToken()));
console.log('regs', regs, 'zero waits', zeroWaits, 'late ms total', lateSum, 'send span', (starts.at(-1)! - starts[0]!).toFixed(0));
await client.close(); await server.close();
