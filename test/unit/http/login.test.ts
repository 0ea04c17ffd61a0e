/** Dashboard login: session cookie attributes, wrong passwords rate limited, logout. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, login, OPERATOR, OPS_TOKEN, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const attempt = (username: string, password: string, extra: Record<string, string> = {}) =>
  h.app.request('/ops/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra },
    body: new URLSearchParams({ username, password }).toString(),
  });

describe('login', () => {
  it('gives an HttpOnly SameSite=Strict session cookie for OPS_TOKEN and for an account', async () => {
    const token = await login(h, '', OPS_TOKEN);
    expect(token.setCookie).toMatch(/HttpOnly/);
    expect(token.setCookie).toMatch(/SameSite=Strict/);
    const account = await login(h, OPERATOR.name, OPERATOR.password);
    const page = await h.app.request('/ops', { headers: { cookie: account.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('otto (operator)');
    expect(html).not.toMatch(/<script|style=/);
  });

  it('refuses a cross-site login', async () => {
    expect((await attempt('', OPS_TOKEN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('rate limits failed logins (429 with Retry-After), even for the right password after that', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(OPERATOR.name, `wrong-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const blocked = await attempt(OPERATOR.name, OPERATOR.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('unauthenticated pages answer 401 with the login form', async () => {
    const res = await h.app.request('/ops/dead-letters');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('action="/ops/login"');
  });
});
