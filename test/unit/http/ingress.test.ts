/** POST /v1/events in process: auth, signatures (S2), limits (S3), validation, confirms. */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signPayload } from '../../../connector/http/ingress/signature.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import {
  ACME_TOKEN,
  createHarness,
  SECRET_A,
  SECRET_B,
  SIGNED_TOKEN,
  type Harness,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.published.length = 0;
  h.ingress.up = true;
  h.ingress.fail = false;
});

const json = (token: string | null, body: string, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  },
  body,
});
const event = () => envelope('acme', 'invoice.created', invoiceData('1001'));

function signed(
  body: string,
  secret = SECRET_A,
  id = `msg_${Math.random()}`,
  ts = Math.floor(Date.now() / 1000),
) {
  return json(SIGNED_TOKEN, body, {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signPayload(secret, id, ts, Buffer.from(body)),
  });
}

describe('POST /v1/events', () => {
  it('publishes one event as <source>.<type> with its id, 202 after the confirm', async () => {
    const e = event();
    const res = await h.app.request('/v1/events', json(ACME_TOKEN, e.body));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, ids: [e.id] });
    expect(h.published).toEqual([
      {
        routingKey: 'acme.invoice.created',
        body: JSON.stringify(JSON.parse(e.body)),
        messageId: e.id,
      },
    ]);
  });

  it('takes an array', async () => {
    const a = event();
    const b = envelope('acme', 'invoice.withdrawn', { invoiceNumber: '1001' });
    const res = await h.app.request('/v1/events', json(ACME_TOKEN, `[${a.body},${b.body}]`));
    expect(res.status).toBe(202);
    expect(h.published.map((p) => p.routingKey)).toEqual([
      'acme.invoice.created',
      'acme.invoice.withdrawn',
    ]);
  });

  it('401 without a token, 403 with a token no source has, 403 for a non-generic source', async () => {
    const missing = await h.app.request('/v1/events', json(null, event().body));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(
      (await h.app.request('/v1/events', json('not-the-token-xxxxxxxx', event().body))).status,
    ).toBe(403);
    expect(
      (await h.app.request('/v1/events', json('atomia-token-0123456789', event().body))).status,
    ).toBe(403);
    expect(h.published).toHaveLength(0);
  });

  it('400 with field issues for a bad envelope, nothing published', async () => {
    const bad = JSON.parse(event().body);
    delete bad.specversion;
    bad.data.totals.gross = 'lots';
    const res = await h.app.request(
      '/v1/events',
      json(ACME_TOKEN, `[${event().body},${JSON.stringify(bad)}]`),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string }[]; requestId: string };
    expect(body.issues.map((i) => i.path).some((p) => p.startsWith('[1]'))).toBe(true);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(h.published).toHaveLength(0);
  });

  it('400 for JSON nested 10,000 deep, and the app still answers', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect((await h.app.request('/v1/events', json(ACME_TOKEN, deep))).status).toBe(400);
    expect((await h.app.request('/healthz')).status).toBe(200);
  });

  it('415 for another content type', async () => {
    const res = await h.app.request('/v1/events', {
      ...json(ACME_TOKEN, event().body),
      headers: { authorization: `Bearer ${ACME_TOKEN}`, 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });

  it('413 for 300 KiB with Content-Length and chunked, before the handler runs', async () => {
    const big = `{"pad":"${'x'.repeat(300 * 1024)}"}`;
    const withLength = await h.app.request(
      '/v1/events',
      json(ACME_TOKEN, big, { 'content-length': String(big.length) }),
    );
    expect(withLength.status).toBe(413);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 16_384)
          controller.enqueue(bytes.slice(i, i + 16_384));
        controller.close();
      },
    });
    const chunked = await h.app.request(
      new Request('http://localhost/v1/events', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${ACME_TOKEN}`,
          'transfer-encoding': 'chunked',
        },
        body: stream,
        duplex: 'half',
      }),
    );
    expect(chunked.status).toBe(413);
    expect(h.published).toHaveLength(0);
  });

  it('503 when the broker is down or does not confirm', async () => {
    h.ingress.up = false;
    const down = await h.app.request('/v1/events', json(ACME_TOKEN, event().body));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    h.ingress.up = true;
    h.ingress.fail = true;
    expect((await h.app.request('/v1/events', json(ACME_TOKEN, event().body))).status).toBe(503);
  });
});

describe('signed ingress (Standard Webhooks)', () => {
  const signedEvent = () => envelope('signed', 'invoice.created', invoiceData('1002')).body;

  it('accepts either of two rotating secrets', async () => {
    expect((await h.app.request('/v1/events', signed(signedEvent(), SECRET_A))).status).toBe(202);
    expect((await h.app.request('/v1/events', signed(signedEvent(), SECRET_B))).status).toBe(202);
    expect(h.published).toHaveLength(2);
  });

  it('refuses a replayed id with 409, and a 503 leaves the id free for the retry', async () => {
    const body = signedEvent();
    const req = signed(body, SECRET_A, 'msg_replay_1');
    h.ingress.fail = true;
    expect((await h.app.request('/v1/events', req)).status).toBe(503);
    h.ingress.fail = false;
    expect((await h.app.request('/v1/events', req)).status).toBe(202);
    expect((await h.app.request('/v1/events', req)).status).toBe(409);
    expect(h.published).toHaveLength(1);
  });

  it('S2: every tampered request is refused with 401 and nothing is published', async () => {
    const body = signedEvent();
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant('wrong-secret'),
          fc.constant('flip-body'),
          fc.constant('flip-signature'),
          fc.constant('old'),
          fc.constant('future'),
          fc.constant('missing'),
          fc.constant('reencoded'),
        ),
        fc.nat(),
        async (kind, n) => {
          const id = `msg_${kind}_${n}`;
          let sent = body;
          let ts = now;
          let sig = signPayload(SECRET_A, id, ts, Buffer.from(body));
          const headers: Record<string, string> = {};
          if (kind === 'wrong-secret')
            sig = signPayload(
              `whsec_${Buffer.from('wrong-secret-wrong-secret').toString('base64')}`,
              id,
              ts,
              Buffer.from(body),
            );
          if (kind === 'flip-body') {
            const i = n % body.length;
            sent =
              body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ 1) + body.slice(i + 1);
          }
          if (kind === 'flip-signature') {
            const raw = Buffer.from(sig.slice(3), 'base64');
            raw[n % raw.length]! ^= 1 << (n % 8);
            sig = `v1,${raw.toString('base64')}`;
          }
          if (kind === 'old') ts = now - 301 - (n % 1000);
          if (kind === 'future') ts = now + 301 + (n % 1000);
          if (kind === 'reencoded') sent = JSON.stringify(JSON.parse(body), null, 1);
          if (kind !== 'missing')
            Object.assign(headers, {
              'webhook-id': id,
              'webhook-timestamp': String(ts),
              'webhook-signature': sig,
            });
          const res = await h.app.request('/v1/events', json(SIGNED_TOKEN, sent, headers));
          expect(res.status).toBe(401);
        },
      ),
      { numRuns: 300 },
    );
    expect(h.published).toHaveLength(0);
  });
});

describe('limitBody (S3)', () => {
  it('answers 413 before the handler runs, with and without Content-Length', async () => {
    const { Hono } = await import('hono');
    const { limitBody } = await import('../../../connector/http/limits.ts');
    let calls = 0;
    const app = new Hono().post('/x', limitBody(256 * 1024), (c) => {
      calls += 1;
      return c.text('ran');
    });
    const big = new Uint8Array(300 * 1024).fill(0x61);
    const withLength = await app.request('/x', {
      method: 'POST',
      body: big,
      headers: { 'content-length': String(big.length) },
    });
    const chunked = await app.request(
      new Request('http://localhost/x', {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(big.slice(0, 200_000));
            controller.enqueue(big.slice(200_000));
            controller.close();
          },
        }),
        duplex: 'half',
      }),
    );
    expect([withLength.status, chunked.status]).toEqual([413, 413]);
    expect(calls).toBe(0);
    expect((await app.request('/x', { method: 'POST', body: 'small' })).status).toBe(200);
    expect(calls).toBe(1);
  });
});
