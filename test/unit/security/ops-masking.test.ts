/**
 * RELIABILITY.md §6.8 S1 for the ops surface, in process and complete: the store is seeded with
 * canary personal data everywhere a row can hold it (a dead letter's message, free-text
 * description, mapped request, detail and agency answers that quote the request back, with
 * plain and \u-escaped spellings; a parked body; a debt-collection task's stored invoice), then
 * every GET route of /api/ops and /ops (read from the app's route table) is called as an
 * operator and a viewer. Pass: 0 canary hits in any answer (the masked views).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canaryBuyer,
  countByCanary,
  createCanaries,
  findCanaries,
  formatHits,
  type LabelledText,
} from '../../helpers/canary.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import {
  createHarness,
  deadLetterFixture,
  login,
  OPS_TOKEN,
  VIEWER,
  type Harness,
} from '../http/harness.ts';

const c = createCanaries();
const foreignName = `Äijä Canary ${randomUUID()}`;
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  const buyer = canaryBuyer(c);
  const event = envelope(
    'acme',
    'invoice.created',
    invoiceData('7001', { buyer, description: `Hosting for ${c.personName}` }),
  );
  const mapped = {
    invoice: {
      parties: {
        buyerParty: {
          entityType: 'CONSUMER',
          name: c.personName,
          personalIdentityNumber: c.hetu,
          address: { street: c.street, postalCode: '00100', postalDistrict: 'HELSINKI' },
          contact: { email: c.email, phone: c.phone },
        },
      },
    },
  };
  const quoted = JSON.stringify(mapped.invoice.parties.buyerParty);
  const at = new Date().toISOString();
  const foreign = envelope(
    'acme',
    'invoice.created',
    invoiceData('7002', { buyer: { ...buyer, name: foreignName } }),
  );
  await h.store.commit({
    deadLetters: [
      deadLetterFixture({
        id: 'dl-echo',
        messageId: event.id,
        invoiceNumber: '7001',
        original: event.body,
        mappedRequest: mapped,
        detail: `permanent: 400 Validation failed for ${quoted} (invoice.buyer.name: '${c.personName}' is not allowed; email ${c.email}; phone ${c.phone})`,
        agencyAnswers: [
          {
            at,
            method: 'POST',
            path: '/invoice',
            status: 400,
            summary: `permanent: '${c.personName}' at ${c.street} (${c.hetu}) is not allowed`,
          },
          {
            at,
            method: 'POST',
            path: '/invoice',
            status: 500,
            summary: `ambiguous: could not store ${JSON.stringify(JSON.stringify(mapped))}`,
          },
        ],
      }),
      deadLetterFixture({
        id: 'dl-foreign',
        messageId: foreign.id,
        invoiceNumber: '7002',
        original: foreign.body,
        detail: `permanent: 400 ${JSON.stringify(foreignName).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)} is too long`,
        agencyAnswers: [],
      }),
    ],
    parkedAdd: [
      {
        id: 'parked-1',
        source: 'acme',
        invoiceNumber: '7001',
        messageId: 'pay-1',
        type: 'invoice.payment_received',
        body: event.body,
        routingKey: 'acme.invoice.payment_received',
        reason: 'invoice not yet accepted by the agency',
        parkedAt: at,
      },
    ],
    tasks: [
      {
        id: 'task-1',
        source: 'acme',
        invoiceNumber: '7001',
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
        document: JSON.parse(event.body).data,
        createdAt: at,
        updatedAt: at,
      },
    ],
  });
});
afterAll(() => h.close());

describe('S1 (ops surface): masked views', () => {
  it('no canary personal data in any GET answer of /api/ops or /ops, for an operator or a viewer', async () => {
    // The seeded rows hold the canaries (otherwise 0 hits would prove nothing).
    const stored = await h.store.getDeadLetter('dl-echo');
    expect(Object.keys(countByCanary(findCanaries(JSON.stringify(stored), c))).sort()).toEqual([
      'email',
      'hetu',
      'personName',
      'phone',
      'street',
    ]);

    const gets = new Set<string>();
    for (const r of h.app.routes) {
      if (r.method === 'GET' && /^\/(api\/)?ops(\/|$)/.test(r.path)) gets.add(r.path);
    }
    const urls = [...gets].flatMap((path) =>
      path.includes('/dead-letters/:id')
        ? [path.replace(':id', 'dl-echo'), path.replace(':id', 'dl-foreign')]
        : [path.replace(':id', 'task-1').replace(':name', 'distribution')],
    );
    urls.push('/api/ops/dead-letters?status=ALL', '/ops/dead-letters?status=ALL');
    const operator = await login(h, '', OPS_TOKEN);
    const viewer = await login(h, VIEWER.name, VIEWER.password);
    const answers: LabelledText[] = [];
    for (const [who, headers] of [
      ['bearer', { authorization: `Bearer ${OPS_TOKEN}` }],
      ['operator session', { cookie: operator.cookie }],
      ['viewer session', { cookie: viewer.cookie }],
    ] as const) {
      for (const url of urls) {
        const res = await h.app.request(url, { headers });
        answers.push({ where: `${who} GET ${url} → ${res.status}`, text: await res.text() });
      }
    }
    const story = answers.find((a) => a.where === 'bearer GET /api/ops/dead-letters/dl-echo → 200');
    // Masked where personal, readable elsewhere: the agency's words and the numbers stay.
    const parsed = JSON.parse(story!.text) as { detail: string; invoiceNumber: string };
    expect(parsed.detail).toMatch(/^permanent: 400 Validation failed for .*•••.* is not allowed/);
    expect(parsed.invoiceNumber).toBe('7001');
    const hits = findCanaries(answers, c).concat(
      findCanaries(
        answers.map((a) => ({
          ...a,
          text: a.text.replace(/\\u00c4/gi, 'Ä').replace(/\\u00e4/gi, 'ä'),
        })),
        { ...c, personName: foreignName },
      ).filter((hit) => hit.canary === 'personName'),
    );
    console.log(
      `S1 ops views: ${hits.length} hits in ${answers.length} answers (${urls.length} GET routes × bearer/operator/viewer) ${JSON.stringify(countByCanary(hits))}`,
    );
    expect(hits, formatHits(hits)).toEqual([]);
  });
});
