/**
 * RELIABILITY.md S4: every /ops and /api/ops route (read from the app's route table) answers 401
 * without credentials; a viewer gets 403 on every state-changing route; a cross-site POST
 * without a CSRF token gets 403; /healthz reveals nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_OPS_ROUTES } from '../../../connector/http/ops/dashboard-routes.ts';
import { createHarness, login, OPS_TOKEN, VIEWER, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

function opsRoutes() {
  const seen = new Set<string>();
  for (const r of h.app.routes) {
    if (r.method === 'ALL') continue;
    if (!/^\/(api\/)?ops(\/|$)/.test(r.path)) continue;
    seen.add(`${r.method} ${r.path}`);
  }
  return [...seen]
    .filter((r) => !PUBLIC_OPS_ROUTES.includes(r))
    .map((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return { method, path, url: path.replace(/:[a-z]+/gi, 'x1') };
    });
}

describe('ops route table', () => {
  it('has the routes the issue lists', () => {
    const names = opsRoutes().map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'GET /api/ops/summary',
      'GET /api/ops/dead-letters',
      'GET /api/ops/dead-letters/:id',
      'POST /api/ops/dead-letters/:id/replay',
      'POST /api/ops/dead-letters/:id/discard',
      'POST /api/ops/dead-letters/replay',
      'GET /api/ops/parked',
      'GET /api/ops/tasks',
      'POST /api/ops/tasks/:id/approve',
      'POST /api/ops/tasks/:id/cancel',
      'POST /api/ops/pollers/:name/run',
      'GET /api/ops/audit',
      'GET /ops',
      'GET /ops/dead-letters/:id',
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.length).toBeGreaterThan(25);
  });

  it('answers 401 without credentials on every /ops and /api/ops route', async () => {
    for (const r of opsRoutes()) {
      const res = await h.app.request(r.url, {
        method: r.method,
        ...(r.method === 'POST'
          ? { headers: { 'content-type': 'application/json' }, body: '{}' }
          : {}),
      });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      const text = await res.text();
      expect(text).not.toContain(OPS_TOKEN);
    }
  });

  it('answers 401 to a wrong bearer token', async () => {
    const res = await h.app.request('/api/ops/summary', {
      headers: { authorization: 'Bearer wrong-token-xxxxxxxx' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('gives a viewer 403 on every state-changing route, and reads', async () => {
    const { cookie, csrf } = await login(h, VIEWER.name, VIEWER.password);
    expect(csrf).not.toBe('');
    const posts = opsRoutes().filter((r) => r.method === 'POST' && r.path !== '/ops/logout');
    expect(posts.length).toBeGreaterThanOrEqual(14);
    for (const r of posts) {
      const api = r.path.startsWith('/api/');
      const res = await h.app.request(r.url, {
        method: 'POST',
        headers: {
          cookie,
          'sec-fetch-site': 'same-origin',
          'content-type': api ? 'application/json' : 'application/x-www-form-urlencoded',
          ...(api ? { 'x-csrf-token': csrf } : {}),
        },
        body: api
          ? '{"reason":"x","ids":["a"]}'
          : new URLSearchParams({ csrf, reason: 'x', ids: 'a' }).toString(),
      });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(await res.text()).toContain('operators only');
    }
    expect((await h.app.request('/api/ops/summary', { headers: { cookie } })).status).toBe(200);
    expect((await h.app.request('/ops', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a cross-site POST without a CSRF token (403)', async () => {
    const { cookie } = await login(h, 'otto', 'operator-password-1');
    const res = await h.app.request('/ops/dead-letters/x1/replay', {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: 'reason=x',
    });
    expect(res.status).toBe(403);
    const noToken = await h.app.request('/api/ops/dead-letters/x1/replay', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(403);
  });
});

describe('health endpoints', () => {
  it('/healthz reveals no URL, version or queue name', async () => {
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe('{"status":"ok"}');
    expect(text).not.toMatch(/amqp|http|\d+\.\d+\.\d+|inbound|connector\./);
  });

  it('sets security headers and a request id on every answer', async () => {
    for (const path of ['/healthz', '/ops/login', '/api/ops/summary', '/nope']) {
      const res = await h.app.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    }
  });
});
