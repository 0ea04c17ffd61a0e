/**
 * RELIABILITY.md §6.8 S4, dashboard authorisation, measured over the app's own route table
 * (`app.routes`, never a hand list). test/unit/http/route-auth.test.ts checks the basic matrix
 * with placeholder ids; this file adds what makes the figures mean something:
 * - every /ops and /api/ops route without credentials → 401, for GET/HEAD/POST, with a wrong
 *   bearer, a forged or an expired session cookie, and through path spellings that try to slip
 *   past the middleware (trailing slash, `//`, `%6F`, case, dot segments): never a 2xx;
 * - a viewer → 403 on 100% of state-changing routes, aimed at real rows (a dead letter, a task,
 *   a poller) so that a missing role check would succeed, with no side effect;
 * - an operator's session write without the CSRF token, with the token but cross-site
 *   (Sec-Fetch-Site or Origin), or with another session's token → 403 on 100% of them;
 * - /healthz and /readyz (ready and failing) name no URL, version or queue name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerNames } from '../../../connector/broker-names.ts';
import { PUBLIC_OPS_ROUTES } from '../../../connector/http/ops/dashboard-routes.ts';
import { createReadiness } from '../../../connector/http/readiness.ts';
import type { PollerStatus } from '../../../connector/metrics/index.ts';
import {
  createHarness,
  deadLetterFixture,
  failedInbox,
  login,
  OPERATOR,
  OPS_TOKEN,
  VIEWER,
  type Harness,
} from '../http/harness.ts';

let h: Harness;
let nowMs = Date.parse('2026-06-11T10:00:00Z');
const runNowCalls: string[] = [];
const pollers: PollerStatus[] = [{ name: 'distribution', running: false, lastResult: 'ok' }];

beforeAll(async () => {
  h = await createHarness({
    now: () => new Date(nowMs),
    // One rate-limit bucket per request, so that failed attempts stay 401 instead of turning 429.
    clientKey: (c) => c.req.header('x-test-client') ?? 'unknown',
    pollers: {
      status: () => pollers,
      runNow: (name) => {
        runNowCalls.push(name);
        return Promise.resolve({ calls: 0 });
      },
    },
  });
  const at = new Date(nowMs).toISOString();
  await h.store.commit({
    deadLetters: [deadLetterFixture({ id: 'dl-1', messageId: 'msg-1' })],
    inbox: [failedInbox('msg-1')],
    tasks: [
      {
        id: 'task-1',
        source: 'acme',
        invoiceNumber: '1001',
        state: 'PENDING_APPROVAL',
        reason: null,
        creditInvoice: false,
        daysLimit: 0,
        dueDate: null,
        requestedAt: at,
        sentAt: null,
        lastCheckedAt: null,
        result: null,
        transitions: [],
        createdAt: at,
        updatedAt: at,
      },
    ],
  });
});
afterAll(() => h.close());

interface Route {
  method: string;
  path: string;
  /** The path with its parameters set to real rows. */
  url: string;
}

/** The /ops and /api/ops routes of the app's route table, public ones aside. */
function protectedRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const r of h.app.routes) {
    if (r.method === 'ALL' || !/^\/(api\/)?ops(\/|$)/.test(r.path)) continue;
    const key = `${r.method} ${r.path}`;
    if (PUBLIC_OPS_ROUTES.includes(key) || seen.has(key)) continue;
    const url = r.path
      .replace(/\/tasks\/:id/, '/tasks/task-1')
      .replace(/\/dead-letters\/:id/, '/dead-letters/dl-1')
      .replace(/:name/, 'distribution')
      .replace(/:id/, 'job-1');
    expect(url, key).not.toContain(':');
    seen.set(key, { method: r.method, path: r.path, url });
  }
  return [...seen.values()];
}

const isWrite = (r: Route) => r.method !== 'GET' && r.path !== '/ops/logout';

/** Everything a state-changing route could have changed. */
async function sideEffects() {
  return JSON.stringify({
    audit: (await h.store.listAudit({ limit: 500 })).length,
    deadLetter: (await h.store.getDeadLetter('dl-1'))?.status,
    inbox: (await h.store.getInbox('acme', 'msg-1'))?.state,
    tasks: (await h.store.listTasks({ limit: 10 })).map((t) => t.state),
    relayed: h.relayed.length,
    runNow: runNowCalls.length,
  });
}

function writeRequest(r: Route, headers: Record<string, string>, csrf?: string): RequestInit {
  const api = r.path.startsWith('/api/');
  return {
    method: r.method,
    headers: {
      'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded',
      ...(api && csrf ? { 'x-csrf-token': csrf } : {}),
      ...headers,
    },
    body: api
      ? JSON.stringify({ reason: 'test', ids: ['dl-1', 'task-1'] })
      : new URLSearchParams({
          ...(csrf ? { csrf } : {}),
          reason: 'test',
          ids: 'dl-1',
        }).toString(),
  };
}

const summary: string[] = [];
afterAll(() => console.log(`S4 dashboard authorisation: ${summary.join('; ')}`));

describe('S4: dashboard authorisation over the route table', () => {
  it('401 on 100% of protected routes without valid credentials, however the request is spelled', async () => {
    const routes = protectedRoutes();
    expect(routes.length).toBeGreaterThan(25);
    expect(PUBLIC_OPS_ROUTES).toEqual([
      'GET /ops/login',
      'POST /ops/login',
      'GET /ops/assets/ops.css',
    ]);
    const { cookie: expiring } = await login(h, VIEWER.name, VIEWER.password);
    nowMs += h.config.http.sessionTtlMinutes * 60_000 + 1;
    const before = await sideEffects();
    const attempts: { name: string; headers: Record<string, string> }[] = [
      { name: 'none', headers: {} },
      { name: 'wrong bearer', headers: { authorization: 'Bearer not-the-ops-token-123456' } },
      { name: 'basic auth', headers: { authorization: `Basic ${btoa(`x:${OPS_TOKEN}`)}` } },
      { name: 'forged cookie', headers: { cookie: 'ops_session=forged-session-id' } },
      { name: 'expired session', headers: { cookie: expiring } },
    ];
    let requests = 0;
    let refused = 0;
    const wrong: string[] = [];
    for (const r of routes) {
      for (const a of attempts) {
        const methods = r.method === 'GET' ? ['GET', 'HEAD'] : [r.method];
        for (const method of methods) {
          const headers = { ...a.headers, 'x-test-client': `c${requests}` };
          const init = method === 'POST' ? writeRequest(r, headers) : { method, headers };
          const res = await h.app.request(r.url, init);
          requests += 1;
          if (res.status === 401) refused += 1;
          else wrong.push(`${a.name}: ${method} ${r.url} → ${res.status}`);
          const text = await res.text();
          expect(text).not.toContain(OPS_TOKEN);
          expect(text).not.toContain('Jane');
        }
      }
    }
    // Spellings of the same paths: nothing but 401/404, never data.
    const spellings = (url: string) => [
      `${url}/`,
      `/${url}`,
      url.replace('/ops', '/%6Fps'),
      url.replace('/ops', '/OPS'),
      url.replace(/\/([^/]+)$/, '/./$1'),
      `/ops/..${url}`,
      `${url}?`,
      `${url};x`,
      url.replace(/\/([^/]+)$/, '%2F$1'),
      `${url}%00`,
    ];
    let variants = 0;
    for (const r of routes) {
      for (const url of spellings(r.url)) {
        const init = r.method === 'POST' ? writeRequest(r, {}) : { method: r.method };
        const res = await h.app.request(url, init);
        variants += 1;
        if (res.status !== 401 && res.status !== 404)
          wrong.push(`${r.method} ${url} → ${res.status}`);
        expect(await res.text()).not.toContain('Jane');
      }
    }
    expect(await sideEffects()).toBe(before);
    summary.push(
      `unauthenticated ${refused}/${requests} → 401 over ${routes.length} routes × ${attempts.length} credential cases (GET+HEAD, POST); ` +
        `${variants - wrong.length}/${variants} path spellings → 401/404`,
    );
    expect(wrong, wrong.join('\n')).toEqual([]);
  });

  it('a viewer gets 403 on 100% of state-changing routes, aimed at real rows, with no side effect', async () => {
    const { cookie, csrf } = await login(h, VIEWER.name, VIEWER.password);
    const writes = protectedRoutes().filter(isWrite);
    expect(writes.length).toBeGreaterThanOrEqual(14);
    const before = await sideEffects();
    const wrong: string[] = [];
    for (const r of writes) {
      const res = await h.app.request(
        r.url,
        writeRequest(r, { cookie, 'sec-fetch-site': 'same-origin' }, csrf),
      );
      if (res.status !== 403) wrong.push(`${r.method} ${r.url} → ${res.status}`);
      else expect(await res.text()).toContain('operators only');
    }
    expect(await sideEffects()).toBe(before);
    expect(
      (await h.app.request('/api/ops/dead-letters/dl-1', { headers: { cookie } })).status,
    ).toBe(200);
    summary.push(`viewer ${writes.length - wrong.length}/${writes.length} writes → 403`);
    expect(wrong, wrong.join('\n')).toEqual([]);
  });

  it('an operator session write without a valid same-site CSRF token → 403 on 100% of routes', async () => {
    const { cookie, csrf } = await login(h, OPERATOR.name, OPERATOR.password);
    const other = await login(h, OPERATOR.name, OPERATOR.password);
    const writes = protectedRoutes().filter((r) => r.method !== 'GET');
    const before = await sideEffects();
    const cases: { name: string; headers: Record<string, string>; token?: string }[] = [
      { name: 'no token', headers: { cookie, 'sec-fetch-site': 'same-origin' } },
      {
        name: 'cross-site fetch',
        headers: { cookie, 'sec-fetch-site': 'cross-site' },
        token: csrf,
      },
      { name: 'foreign origin', headers: { cookie, origin: 'https://evil.example' }, token: csrf },
      {
        name: "another session's token",
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
        token: other.csrf,
      },
    ];
    let requests = 0;
    const wrong: string[] = [];
    for (const r of writes) {
      for (const c of cases) {
        const res = await h.app.request(r.url, writeRequest(r, c.headers, c.token));
        requests += 1;
        if (res.status !== 403) wrong.push(`${c.name}: ${r.method} ${r.url} → ${res.status}`);
      }
    }
    expect(await sideEffects()).toBe(before);
    // Control: with the session's own token, same-site, the write goes through.
    const ok = await h.app.request(
      '/api/ops/dead-letters/dl-1/replay',
      writeRequest(
        { method: 'POST', path: '/api/ops/dead-letters/:id/replay', url: '' },
        { cookie, 'sec-fetch-site': 'same-origin' },
        csrf,
      ),
    );
    expect(ok.status).toBe(200);
    summary.push(
      `CSRF ${requests - wrong.length}/${requests} → 403 (${writes.length} write routes × ${cases.length} cases), control write 200`,
    );
    expect(wrong, wrong.join('\n')).toEqual([]);
  });

  it('/healthz and /readyz name no URL, version or queue name, ready or failing', async () => {
    const names = brokerNames(h.config);
    const forbidden = [
      h.config.broker.url,
      new URL(h.config.broker.url).host,
      'amqp',
      'http://',
      names.inboundQueue('acme'),
      names.deadLetterQueue,
      names.unroutableQueue,
      names.erpExchange,
      names.agencyExchange,
      h.config.broker.queuePrefix,
      process.version,
      process.versions.node,
      '0.1.0',
      'hono',
      'rabbitmq',
    ];
    const consumers = [
      {
        queue: names.inboundQueue('acme'),
        alive: true,
        paused: false,
        lastDeliveryAt: null,
        inFlight: 0,
      },
    ];
    let t = 0;
    const states = [
      { ready: true, checks: { broker: 'ok', consumers: 'ok', store: 'ok', agency: 'ok' } },
      {
        ready: false,
        checks: {
          broker: 'disconnected',
          consumers: '1 consumer(s) down',
          store: 'unreachable',
          agency: 'last check failed',
        },
      },
    ];
    const bodies: string[] = [];
    const extra: Harness[] = [];
    for (const state of states) {
      const readiness = createReadiness({
        base: () => Promise.resolve(state),
        consumers: () => consumers,
        depth: () => Promise.resolve(5), // messages wait: the stall rule names a stalled consumer
        stallMs: 1000,
        now: () => (t += 2000),
      });
      extra.push(await createHarness({ readiness }));
      for (const path of ['/healthz', '/readyz', '/readyz']) {
        const res = await extra.at(-1)!.app.request(path);
        bodies.push(`${path} ${res.status} ${await res.text()}`);
      }
    }
    extra.push(
      await createHarness({
        readiness: () => Promise.reject(new Error(`amqp ${h.config.broker.url} refused`)),
      }),
    );
    const failing = await extra.at(-1)!.app.request('/readyz');
    bodies.push(`/readyz ${failing.status} ${await failing.text()}`);
    await Promise.all(extra.map((x) => x.close()));
    for (const body of bodies) {
      for (const f of forbidden) expect(body.toLowerCase(), body).not.toContain(f.toLowerCase());
      expect(body).not.toMatch(/\d+\.\d+\.\d+|:\/\//);
    }
    expect(bodies.some((b) => b.includes('stalled'))).toBe(true);
    summary.push(
      `health ${bodies.length} bodies (ready, failing, stalled, throwing) with 0 URLs/versions/queue names`,
    );
  });
});
