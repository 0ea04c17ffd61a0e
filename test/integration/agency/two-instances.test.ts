/**
 * Two processes share one agency key, each configured with instances = 2 (half the key's rate).
 * Against one simulator enforcing the key's rate R: zero 429 answers, and together they reach at
 * least 90% of R. Child processes, so each has its own event loop and limiter, as in production.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSimulator,
  type RunningServer,
  type Simulator,
} from '../../../adapters/agency/simulator/index.ts';

const SCRIPT = fileURLToPath(new URL('../../helpers/agency-load-client.ts', import.meta.url));
const KEY = 'two-instances-key';
const RATE = 40; // requests per second for the key
const SECONDS = 5;
const CALLS_PER_CHILD = (RATE / 2) * SECONDS;

interface ChildResult {
  ok: number;
  failed: number;
  refused: number;
  startMs: number;
  endMs: number;
}

function startChild(baseUrl: string) {
  const child = spawn(
    process.execPath,
    [SCRIPT, baseUrl, KEY, String(RATE), '2', String(CALLS_PER_CHILD)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const messages: unknown[] = [];
  const waiters: (() => void)[] = [];
  lines.on('line', (line) => {
    messages.push(JSON.parse(line));
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  async function next(): Promise<unknown> {
    while (messages.length === 0) {
      const code = await Promise.race([
        new Promise<'line'>((r) => waiters.push(() => r('line'))),
        exited,
      ]);
      if (code !== 'line' && messages.length === 0)
        throw new Error(`child exited (${code}): ${stderr}`);
    }
    return messages.shift();
  }
  return { child, next, exited };
}

describe('agency client: two instances share one key', () => {
  let sim: Simulator;
  let server: RunningServer;

  beforeAll(async () => {
    // A bucket of R/4 tokens: it absorbs 250 ms of timing jitter between the two processes, and
    // any sustained excess over R of more than 5% within the run shows up as 429 answers.
    sim = createSimulator({
      apiKeys: [KEY],
      rateLimit: { requestsPerSecond: RATE, burst: RATE / 4 },
      recordBodies: false,
    });
    server = await sim.listen({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`two processes at R/2 each: zero 429 and ≥ 90% of R = ${RATE}/s combined`, async () => {
    const children = [startChild(server.baseUrl), startChild(server.baseUrl)];
    try {
      for (const c of children) expect(await c.next()).toEqual({ ready: true });
      for (const c of children) c.child.stdin.write('go\n');
      const results = (await Promise.all(children.map((c) => c.next()))) as ChildResult[];
      await Promise.all(children.map((c) => c.exited));

      const ok = results.reduce((s, r) => s + r.ok, 0);
      const seconds =
        (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) /
        1000;
      const rate = ok / seconds;
      const counts = sim.state().requestCounts;
      console.log(
        `two instances: ${ok} calls in ${seconds.toFixed(2)} s = ${rate.toFixed(1)}/s (R = ${RATE}); counts`,
        counts,
      );

      expect(results.map((r) => r.failed)).toEqual([0, 0]);
      expect(ok).toBe(2 * CALLS_PER_CHILD);
      expect(counts['GET /validate 429'] ?? 0).toBe(0);
      expect(results.map((r) => r.refused)).toEqual([0, 0]);
      expect(rate).toBeGreaterThanOrEqual(0.9 * RATE);
    } finally {
      for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    }
  });
});
