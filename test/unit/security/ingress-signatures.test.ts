/**
 * RELIABILITY.md §6.8 S2, the ingress signature matrix: 1,000 generated requests (fast-check)
 * against the real route (`app.request`, real SQLite store for the replay guard, fake publisher).
 * Tampered requests — wrong secret, one byte of the body changed, one byte of the signature
 * header changed, timestamp ±301 s or more, a header missing, a re-encoded JSON body (same data,
 * other bytes) — must all answer 401; a replay of an accepted id (the same request again, or the
 * sender re-signing it, up to the edge of the window) 409; none may publish or record anything.
 * Valid requests signed with either of the two rotating secrets (timestamps up to ±300 s) must
 * all answer 202.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGRESS_ID_KIND } from '../../../connector/http/ingress/replay-guard.ts';
import { signPayload } from '../../../connector/http/ingress/signature.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { createHarness, SECRET_A, SECRET_B, SIGNED_TOKEN, type Harness } from '../http/harness.ts';

const RUNS = 1_000;
const SEED = Number(process.env.S2_SEED ?? 20_260_611);
const T0 = 1_780_000_000; // server clock, Unix seconds

let h: Harness;
let clockS = T0;
beforeAll(async () => {
  h = await createHarness({ now: () => new Date(clockS * 1000) });
});
afterAll(() => h.close());

type Kind =
  | 'valid'
  | 'wrong-secret'
  | 'flip-body'
  | 'flip-signature'
  | 'timestamp-old'
  | 'timestamp-future'
  | 'missing-header'
  | 'reencoded'
  | 'replay';

interface Case {
  kind: Kind;
  secret: 'A' | 'B';
  invoice: number;
  /** Seconds between the signature's timestamp and the server clock (valid: −300…300). */
  skewS: number;
  /** Position (scaled to the target's length) and new byte for the flips. */
  at: number;
  byte: number;
  wrongSecret: string;
  missing: ('webhook-id' | 'webhook-timestamp' | 'webhook-signature')[];
  reencode: 'indent' | 'reorder' | 'escape' | 'space';
  replay: 'same-request' | 're-signed';
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  kind: fc.constantFrom<Kind>(
    'valid',
    'valid',
    'wrong-secret',
    'flip-body',
    'flip-signature',
    'timestamp-old',
    'timestamp-future',
    'missing-header',
    'reencoded',
    'replay',
  ),
  secret: fc.constantFrom('A', 'B'),
  invoice: fc.integer({ min: 1, max: 9_999_999 }),
  skewS: fc.integer({ min: -300, max: 300 }),
  at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  byte: fc.integer({ min: 0x21, max: 0x7e }),
  wrongSecret: fc.string({ minLength: 24, maxLength: 64 }),
  missing: fc.subarray(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const, {
    minLength: 1,
  }),
  reencode: fc.constantFrom('indent', 'reorder', 'escape', 'space'),
  replay: fc.constantFrom('same-request', 're-signed'),
});

interface Signed {
  id: string;
  ts: number;
  body: Uint8Array;
  signature: string;
}

let seq = 0;
function freshSigned(c: Case, secret = c.secret === 'A' ? SECRET_A : SECRET_B): Signed {
  seq += 1;
  const id = `msg_s2_${seq}`;
  const ts = clockS + c.skewS;
  const body = Buffer.from(
    envelope('signed', 'invoice.created', invoiceData(String(c.invoice))).body,
  );
  return { id, ts, body, signature: signPayload(secret, id, ts, body) };
}

function send(s: Signed, omit: readonly string[] = []) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${SIGNED_TOKEN}`,
  };
  if (!omit.includes('webhook-id')) headers['webhook-id'] = s.id;
  if (!omit.includes('webhook-timestamp')) headers['webhook-timestamp'] = String(s.ts);
  if (!omit.includes('webhook-signature')) headers['webhook-signature'] = s.signature;
  return h.app.request('/v1/events', { method: 'POST', headers, body: s.body });
}

/** One byte at `at` replaced by another (always a different value). */
function flip(bytes: Uint8Array, at: number, byte: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const i = Math.floor(at * out.length);
  out[i] = out[i] === byte ? (byte === 0x7e ? 0x21 : byte + 1) : byte;
  return out;
}

function reencode(body: Uint8Array, how: Case['reencode']): Uint8Array {
  const text = Buffer.from(body).toString('utf8');
  const data = JSON.parse(text) as Record<string, unknown>;
  let out: string;
  if (how === 'indent') out = JSON.stringify(data, null, 2);
  else if (how === 'space') out = ` ${text}`;
  else if (how === 'reorder')
    out = JSON.stringify(Object.fromEntries(Object.entries(data).reverse()));
  else out = text.replace('"specversion"', '"spec\\u0076ersion"');
  expect(out).not.toBe(text);
  expect(JSON.parse(out)).toEqual(data);
  return Buffer.from(out);
}

/** Ids accepted so far (replays pick one of them). */
const accepted: Signed[] = [];

async function seenIds(ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) if (await h.store.getNews(INGRESS_ID_KIND, `signed:${id}`)) n += 1;
  return n;
}

describe('S2: ingress signature matrix', () => {
  it('refuses 100% of 1,000 generated tampered requests with no side effect, accepts 100% of valid ones', async () => {
    const cases = fc.sample(caseArb, { numRuns: RUNS, seed: SEED });
    const tally = new Map<string, { total: number; ok: number }>();
    const failures: string[] = [];
    const valid = { A: 0, B: 0 };
    const started = performance.now();

    for (const [n, c] of cases.entries()) {
      let s: Signed;
      let omit: readonly string[] = [];
      let expected = 401;
      let label: string = c.kind;
      clockS = T0 + n; // the clock moves on; every case signs relative to it
      switch (c.kind) {
        case 'valid':
          s = freshSigned(c);
          expected = 202;
          label = `valid (secret ${c.secret})`;
          break;
        case 'wrong-secret':
          s = freshSigned(c, c.wrongSecret);
          break;
        case 'flip-body': {
          const good = freshSigned(c);
          s = { ...good, body: flip(good.body, c.at, c.byte) };
          break;
        }
        case 'flip-signature': {
          const good = freshSigned(c);
          const sig = Buffer.from(good.signature, 'latin1');
          s = { ...good, signature: Buffer.from(flip(sig, c.at, c.byte)).toString('latin1') };
          break;
        }
        case 'timestamp-old':
          s = freshSigned({ ...c, skewS: -301 - Math.abs(c.skewS) * 100 });
          break;
        case 'timestamp-future':
          s = freshSigned({ ...c, skewS: 301 + Math.abs(c.skewS) * 100 });
          break;
        case 'missing-header':
          s = freshSigned(c);
          omit = c.missing;
          break;
        case 'reencoded': {
          const good = freshSigned(c);
          s = { ...good, body: reencode(good.body, c.reencode) };
          label = `reencoded (${c.reencode})`;
          break;
        }
        case 'replay': {
          const original = accepted.length > 0 ? accepted[n % accepted.length]! : null;
          if (!original) {
            // Nothing accepted yet: accept one first so there is something to replay.
            const first = freshSigned({ ...c, skewS: 0 });
            expect((await send(first)).status).toBe(202);
            accepted.push(first);
          }
          const target = original ?? accepted[accepted.length - 1]!;
          // Up to the edge of the window after the original (inside it the signature is valid).
          clockS = Math.min(clockS, target.ts + 300);
          s =
            c.replay === 'same-request'
              ? target
              : {
                  ...target,
                  ts: clockS,
                  signature: signPayload(
                    c.secret === 'A' ? SECRET_A : SECRET_B,
                    target.id,
                    clockS,
                    target.body,
                  ),
                };
          expected = 409;
          label = `replay (${c.replay})`;
          break;
        }
      }
      const published = h.published.length;
      const res = await send(s, omit);
      const sideEffects =
        h.published.length -
        published -
        (expected === 202 ? 1 : 0) +
        (expected === 401 ? await seenIds([s.id]) : 0);
      const ok = res.status === expected && sideEffects === 0;
      if (ok && expected === 202) {
        accepted.push(s);
        valid[c.secret] += 1;
      }
      const t = tally.get(label) ?? { total: 0, ok: 0 };
      t.total += 1;
      if (ok) t.ok += 1;
      tally.set(label, t);
      if (!ok && failures.length < 10) {
        failures.push(
          `#${n} ${label}: status ${res.status} (want ${expected}), side effects ${sideEffects}; ` +
            `signature ${JSON.stringify(s.signature)} body ${Buffer.from(s.body).toString('utf8').slice(0, 60)}…`,
        );
      }
    }

    const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
    const bad = rows.filter(([k]) => !k.startsWith('valid'));
    const good = rows.filter(([k]) => k.startsWith('valid'));
    const sum = (r: typeof rows) =>
      r.reduce((acc, [, v]) => ({ total: acc.total + v.total, ok: acc.ok + v.ok }), {
        total: 0,
        ok: 0,
      });
    const b = sum(bad);
    const g = sum(good);
    const pct = (x: { ok: number; total: number }) =>
      x.total === 0 ? 'n/a' : `${((100 * x.ok) / x.total).toFixed(1)}%`;
    console.log(
      `S2 signature matrix: ${cases.length} requests (seed ${SEED}) in ${Math.round(performance.now() - started)} ms; ` +
        `tampered/replayed rejected ${b.ok}/${b.total} (${pct(b)}) with 0 side effects; ` +
        `valid accepted ${g.ok}/${g.total} (${pct(g)}; secret A ${valid.A}, B ${valid.B}); ` +
        rows.map(([k, v]) => `${k} ${v.ok}/${v.total}`).join(', '),
    );
    expect(failures, failures.join('\n')).toEqual([]);
    expect(b.ok).toBe(b.total);
    expect(g.ok).toBe(g.total);
    expect(valid.A).toBeGreaterThan(0);
    expect(valid.B).toBeGreaterThan(0);
    for (const kind of [
      'wrong-secret',
      'flip-body',
      'flip-signature',
      'timestamp-old',
      'timestamp-future',
      'missing-header',
    ]) {
      expect(tally.get(kind)?.total ?? 0, kind).toBeGreaterThan(20);
    }
  });

  it('a signature that only decodes to the right digest is refused (no base64 malleability)', async () => {
    clockS = T0 + 20_000;
    const c = fc.sample(caseArb, { numRuns: 1, seed: SEED + 1 })[0]!;
    const variants = (sig: string): string[] => {
      const b64 = sig.slice(3);
      const last = b64.at(-2)!; // the last data character: its 2 low bits are padding
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
      return [
        `v1,${b64.slice(0, -1)}!`, // padding replaced by a character the decoder skips
        `v1,${b64.slice(0, -1)}`, // padding dropped
        `v1,${b64.slice(0, -2)}${twin}=`, // a padding bit flipped
        `v1,${b64.replace(/\+/g, '-').replace(/\//g, '_')}`, // URL alphabet
        `v1,${b64.slice(0, 10)}\t${b64.slice(10)}`,
      ].filter((v) => v !== sig);
    };
    let same = 0;
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      const good = freshSigned(c);
      const digest = Buffer.from(good.signature.slice(3), 'base64');
      for (const signature of variants(good.signature)) {
        // Only variants that still decode to the right digest test malleability.
        if (!Buffer.from(signature.slice(3), 'base64').equals(digest)) continue;
        same += 1;
        const published = h.published.length;
        const res = await send({ ...good, signature });
        if (res.status === 401 && h.published.length === published) refused += 1;
      }
      expect((await send(good)).status).toBe(202);
    }
    console.log(`S2 malleability: ${refused}/${same} re-encoded signatures (same digest) refused`);
    expect(same).toBeGreaterThanOrEqual(60);
    expect(refused).toBe(same);
  });

  it('the window edge: ±300 s accepted, ±301 s refused, and a replay after the window is 401', async () => {
    clockS = T0 + 10_000;
    const c = fc.sample(caseArb, { numRuns: 1, seed: SEED })[0]!;
    for (const [skewS, status] of [
      [-300, 202],
      [300, 202],
      [-301, 401],
      [301, 401],
    ] as const) {
      const s = freshSigned({ ...c, skewS });
      expect((await send(s)).status, `skew ${skewS}`).toBe(status);
    }
    const s = freshSigned({ ...c, skewS: 0 });
    expect((await send(s)).status).toBe(202);
    clockS += 301;
    expect((await send(s)).status).toBe(401);
  });
});
