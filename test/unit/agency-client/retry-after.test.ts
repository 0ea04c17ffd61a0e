/**
 * 429 and 503 with Retry-After: the wait honours the header (seconds or HTTP-date), the whole
 * limiter pauses so no other caller sends meanwhile, and a Retry-After over the cap opens the
 * circuit instead of waiting.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgencyError } from '../../../adapters/agency/index.ts';
import { type BackpressureEvent } from '../../../adapters/agency/index.ts';
import { caseAnswer } from './fixtures.ts';
import {
  BASE_PATH,
  ORIGIN,
  immediateSleep,
  json,
  makeClient,
  manualSleep,
  stubFetch,
  timerTurns,
  until,
} from './helpers.ts';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

const NOW = Date.parse('2026-04-01T10:00:00Z');

describe('agency client: Retry-After', () => {
  it('429 with Retry-After seconds: waits max(Retry-After, backoff), then succeeds', async () => {
    nock(ORIGIN)
      .get(`${BASE_PATH}/payments`)
      .reply(429, { message: 'slow down' }, { 'Retry-After': '7' });
    nock(ORIGIN).get(`${BASE_PATH}/payments`).reply(200, []);
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep, now: () => NOW });
    await expect(client.getPayments({})).resolves.toEqual([]);
    // one wait is the limiter pause, one the caller's own retry wait; both ≥ 7 s
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(7000);
    await client.close();
  });

  it('429 with an HTTP-date Retry-After 7 s ahead waits 7 s', async () => {
    nock(ORIGIN)
      .post(`${BASE_PATH}/invoice/action`)
      .reply(429, { message: 'slow down' }, { 'Retry-After': new Date(NOW + 7000).toUTCString() });
    nock(ORIGIN).post(`${BASE_PATH}/invoice/action`).reply(200, { accepted: 1, actions: [] });
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep, now: () => NOW });
    await expect(client.createActions({ actions: [] })).resolves.toMatchObject({ accepted: 1 });
    expect(waits).toEqual([7000, 7000]);
    await client.close();
  });

  it('backoff wins when it is longer than Retry-After', async () => {
    nock(ORIGIN).get(`${BASE_PATH}/payments`).reply(429, '', { 'Retry-After': '0' });
    nock(ORIGIN).get(`${BASE_PATH}/payments`).reply(200, []);
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep, random: () => 0.9 });
    await client.getPayments({});
    expect(waits.at(-1)).toBeCloseTo(90, 5); // 0.9 · min(2000, 100·2^0)
    await client.close();
  });

  it('a Retry-After over maxRetryAfterMs stops retrying and opens the circuit until then', async () => {
    const scope = nock(ORIGIN)
      .get(`${BASE_PATH}/payments`)
      .reply(429, '', { 'Retry-After': '3600' });
    const events: BackpressureEvent[] = [];
    const timers = manualSleep();
    const client = makeClient({ sleep: timers.sleep, now: () => NOW });
    client.onBackpressure((e) => events.push(e));
    const err = (await client.getPayments({}).catch((e: unknown) => e)) as AgencyError;
    expect(err).toMatchObject({ kind: 'refused', status: 429, retryAfterMs: 3_600_000 });
    expect(scope.isDone()).toBe(true);
    expect(client.limiterState().circuit).toBe('open');
    expect(events[0]).toMatchObject({ paused: true, untilMs: NOW + 3_600_000 });
    // while open, calls fail fast without the network (nock would throw on an unmatched request)
    const fast = (await client.getCase({ caseId: '1' }).catch((e: unknown) => e)) as AgencyError;
    expect(fast).toMatchObject({ kind: 'circuit_open', retryable: true, status: null });
    await client.close();
  });

  it('a 429 pauses the whole limiter: other callers send nothing until the pause ends', async () => {
    const sent: string[] = [];
    let paymentsCalls = 0;
    const stub = stubFetch((url) => {
      const path = new URL(url).pathname.replace(BASE_PATH, '');
      sent.push(path);
      if (path === '/payments' && paymentsCalls++ === 0)
        return json(429, { message: 'slow' }, { 'Retry-After': '2' });
      if (path === '/payments') return json(200, []);
      return json(200, caseAnswer);
    });
    const timers = manualSleep();
    const events: BackpressureEvent[] = [];
    const client = makeClient({ fetch: stub.fetch, sleep: timers.sleep, now: () => NOW });
    client.onBackpressure((e) => events.push(e));

    const first = client.getPayments({});
    await until(() => client.limiterState().pausedUntil !== null, 'the pause');
    expect(client.limiterState().pausedUntil).toBe(NOW + 2000);
    expect(events).toEqual([{ paused: true, untilMs: NOW + 2000, reason: 'rate limited (429)' }]);

    // other callers, at every priority, queue up behind the pause
    const others = [
      client.getCase({ caseId: '1' }),
      client.getCase({ caseId: '2' }, { priority: 'money' }),
      client.getDistribution({}),
    ];
    await until(() => client.limiterState().queued === 3, 'three queued calls');
    // the first caller is waiting out its own retry delay too
    await until(() => timers.pending.length === 2, 'the pause and the retry wait');
    // let the limiter's timers turn: still nothing sent but the 429
    await timerTurns(10);
    expect(sent).toEqual(['/payments']);
    expect(client.limiterState().queued).toBe(3);

    timers.releaseAll(); // pause over, and the first caller's own retry wait
    const results = await Promise.all([first, ...others]);
    expect(results).toHaveLength(4);
    expect(sent).toHaveLength(5);
    expect(sent.slice(1)).toContain('/payments');
    expect(events.at(-1)).toEqual({
      paused: false,
      untilMs: null,
      reason: 'rate limit pause over',
    });
    await client.close();
  });
});
