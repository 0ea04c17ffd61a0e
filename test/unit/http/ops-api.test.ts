/** The ops JSON API: replay through the inbox path, discard, bulk replay with progress, masking, audit. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  deadLetterFixture,
  failedInbox,
  OPS_TOKEN,
  type Harness,
} from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const auth = { authorization: `Bearer ${OPS_TOKEN}` };
const post = (body?: unknown) => ({
  method: 'POST',
  headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe('dead letters', () => {
  it('shows the story with personal data masked', async () => {
    await h.store.commit({ deadLetters: [deadLetterFixture()] });
    const res = await h.app.request('/api/ops/dead-letters/dl-1', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    for (const secret of ['Jane Quinn Doe', '010190-123A', 'jane@example.com', 'Secret Street'])
      expect(text).not.toContain(secret);
    const story = JSON.parse(text);
    expect(story.original.data.buyer.name).toBe('J. Q. D.');
    expect(story.original.data.buyer.personalId).toBe('•••123A');
    expect(story.mappedRequest.buyer.firstName).toBe('J.');
    expect(story.agencyAnswers).toHaveLength(1);
    const list = (await (
      await h.app.request('/api/ops/dead-letters?source=acme', { headers: auth })
    ).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain('Jane');
  });

  it('replays through the outbox and resets the inbox entry, in one audited commit', async () => {
    await h.store.commit({ deadLetters: [deadLetterFixture()], inbox: [failedInbox()] });
    const res = await h.app.request('/api/ops/dead-letters/dl-1/replay', post());
    expect(res.status).toBe(200);
    expect(h.relayed).toHaveLength(1);
    const row = h.relayed[0]!;
    expect(row).toMatchObject({
      exchange: '',
      routingKey: 'connector.acme.inbound',
      body: deadLetterFixture().original,
    });
    expect(row.headers).toMatchObject({
      'x-message-id': 'msg-1',
      'x-original-routing-key': 'acme.invoice.created',
    });
    expect(await h.store.getOutbox([row.id])).toHaveLength(1);
    expect((await h.store.getInbox('acme', 'msg-1'))?.state).toBe('PENDING');
    const letter = await h.store.getDeadLetter('dl-1');
    expect(letter).toMatchObject({ status: 'REPLAYED', resolvedBy: 'ops-token' });
    const audit = await h.store.listAudit({ limit: 10 });
    expect(audit[0]).toMatchObject({
      actor: 'ops-token',
      action: 'dead-letter.replay',
      target: 'dl-1',
    });
    expect((await h.app.request('/api/ops/dead-letters/dl-1/replay', post())).status).toBe(409);
  });

  it('resets a manual-review money action to UNKNOWN so it is reconciled before any resend', async () => {
    await h.store.commit({
      deadLetters: [deadLetterFixture({ reason: 'manual_review' })],
      inbox: [failedInbox('msg-1', 'MANUAL_REVIEW')],
    });
    expect((await h.app.request('/api/ops/dead-letters/dl-1/replay', post())).status).toBe(200);
    expect((await h.store.getInbox('acme', 'msg-1'))?.state).toBe('UNKNOWN');
  });

  it('discards only with a reason', async () => {
    await h.store.commit({ deadLetters: [deadLetterFixture()] });
    expect((await h.app.request('/api/ops/dead-letters/dl-1/discard', post({}))).status).toBe(400);
    expect(
      (
        await h.app.request(
          '/api/ops/dead-letters/dl-1/discard',
          post({ reason: 'sent again by the ERP' }),
        )
      ).status,
    ).toBe(200);
    expect(await h.store.getDeadLetter('dl-1')).toMatchObject({
      status: 'DISCARDED',
      resolution: 'sent again by the ERP',
    });
    expect(
      (await h.app.request('/api/ops/dead-letters/nope/discard', post({ reason: 'x' }))).status,
    ).toBe(404);
  });

  it('replays a selection in bulk and reports progress', async () => {
    const letters = ['a', 'b', 'c'].map((x) =>
      deadLetterFixture({ id: `dl-${x}`, messageId: `m-${x}` }),
    );
    await h.store.commit({ deadLetters: letters });
    const res = await h.app.request(
      '/api/ops/dead-letters/replay',
      post({ ids: ['dl-a', 'dl-b', 'dl-c', 'dl-missing'] }),
    );
    expect(res.status).toBe(202);
    const { result } = (await res.json()) as { result: { id: string } };
    type Job = {
      done: boolean;
      replayed: number;
      skipped: unknown[];
      settled: { pending: number };
    };
    let job = null as Job | null;
    for (let i = 0; i < 100 && !job?.done; i++) {
      job = (await (
        await h.app.request(`/api/ops/replay-jobs/${result.id}`, { headers: auth })
      ).json()) as Job;
      if (!job?.done) await new Promise((r) => setImmediate(r));
    }
    expect(job).toMatchObject({ done: true, replayed: 3 });
    expect(job?.skipped).toHaveLength(1);
    expect(job?.settled.pending).toBe(3);
    expect(h.relayed).toHaveLength(3);
  });
});

describe('API hygiene', () => {
  it('refuses a non-JSON body (415) and a body past the limit (413)', async () => {
    await h.store.commit({ deadLetters: [deadLetterFixture()] });
    const form = await h.app.request('/api/ops/dead-letters/dl-1/discard', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'reason=x',
    });
    expect(form.status).toBe(415);
    const big = await h.app.request(
      '/api/ops/dead-letters/dl-1/discard',
      post({ reason: 'x'.repeat(70_000) }),
    );
    expect(big.status).toBe(413);
  });

  it('never shows a stack trace or a secret in an error body', async () => {
    const broken = await createHarness({
      readiness: () => Promise.reject(new Error('boom at amqp://user:pw@host')),
    });
    const summary = await broken.app.request('/api/ops/summary', { headers: auth });
    const text = await summary.text();
    expect(text).not.toMatch(/boom|amqp:|at .*\.ts/);
    await broken.close();
  });

  it('records a summary with counts and health', async () => {
    const res = await h.app.request('/api/ops/summary', { headers: auth });
    expect(await res.json()).toMatchObject({
      health: { ready: true },
      counts: { deadLettersOpen: 0 },
    });
  });
});

describe('pollers', () => {
  it('runs a poller now and answers with its summary when the run has finished', async () => {
    await h.close();
    let finished = false;
    const summary = { name: 'settlements', result: 'ok', calls: 2, events: 3, cursor: { page: 1 } };
    h = await createHarness({
      pollers: {
        status: () => [{ name: 'settlements' }] as never,
        runNow: async () => {
          await new Promise((r) => setTimeout(r, 20));
          finished = true;
          return summary;
        },
      },
    });
    const res = await h.app.request('/api/ops/pollers/settlements/run', post());
    expect(res.status).toBe(200);
    expect(finished).toBe(true);
    expect(await res.json()).toEqual({ ok: true, result: { summary } });
    const unknown = await h.app.request('/api/ops/pollers/nope/run', post());
    expect(unknown.status).toBe(404);
  });
});
