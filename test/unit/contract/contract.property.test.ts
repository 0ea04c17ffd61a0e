import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, parseEnvelope, parseInboundEvent } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { loadEventFixture, type Json } from '../../fixtures/events/index.ts';

const limits = { maxBytes: 4096, maxDepth: 8 };

function onlyInvalidMessageError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof InvalidMessageError)) throw err;
  }
}

/** Values shaped like envelopes: mostly valid attributes, some replaced by arbitrary JSON. */
const envelopeLike = fc.record(
  {
    specversion: fc.oneof(fc.constant('1.0'), fc.jsonValue()),
    id: fc.oneof(fc.uuid(), fc.jsonValue()),
    source: fc.oneof(fc.constant('erp/acme'), fc.jsonValue()),
    type: fc.oneof(
      fc.constantFrom(
        'invoice.created',
        'invoice.payment_received',
        'invoice.withdrawn',
        'invoice.credited',
      ),
      fc.jsonValue(),
    ),
    time: fc.oneof(fc.constant('2026-11-23T10:00:00Z'), fc.jsonValue()),
    subject: fc.oneof(fc.constant('100234'), fc.jsonValue()),
    data: fc.jsonValue({ maxDepth: 4 }),
  },
  { requiredKeys: [] },
);

/** A valid invoice with random fields replaced by arbitrary JSON (deep mutation). */
const mutatedInvoice = fc
  .tuple(fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }))
  .map(([mutations]) => {
    const env = loadEventFixture('generic', 'invoice.created');
    for (const [index, value] of mutations) {
      let node: Json = env.data;
      for (let depth = 0; depth < 3 && node && typeof node === 'object'; depth++) {
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const key = keys[(index >> (depth * 3)) % keys.length]!;
        if (depth === 2 || typeof node[key] !== 'object' || node[key] === null) {
          node[key] = value;
          break;
        }
        node = node[key];
      }
    }
    return env;
  });

describe('contract edge: nothing but InvalidMessageError', () => {
  it('decodeBody on arbitrary strings and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        (body) => {
          onlyInvalidMessageError(() => decodeBody(body, limits));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('decodeBody accepts every JSON text within the limits and returns the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        if (Buffer.byteLength(text) > limits.maxBytes) return;
        expect(decodeBody(Buffer.from(text), limits)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseEnvelope and parseInboundEvent on arbitrary JSON and envelope-like values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelopeLike, fc.anything()), (raw) => {
        onlyInvalidMessageError(() => parseInboundEvent(parseEnvelope(raw)));
      }),
      { numRuns: 3000 },
    );
  });

  it('parseInboundEvent on mutated valid invoices', () => {
    fc.assert(
      fc.property(mutatedInvoice, (env) => {
        onlyInvalidMessageError(() => parseInboundEvent(parseEnvelope(env)));
      }),
      { numRuns: 2000 },
    );
  });

  it('every type with arbitrary data', () => {
    const types = [
      'invoice.created',
      'invoice.payment_received',
      'invoice.credited',
      'invoice.withdrawn',
      'invoice.due_date_extended',
      'invoice.paused',
      'invoice.objected',
      'invoice.payment_plan_requested',
      'invoice.comment_added',
      'invoice.debt_collection_requested',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.dictionary(
          fc.constantFrom(
            'invoiceNumber',
            'amount',
            'currency',
            'date',
            'dueDate',
            'reason',
            'comment',
            'invoice',
            'lines',
            'totals',
          ),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        (type, data) => {
          onlyInvalidMessageError(() => parseInboundEvent({ type, data }));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
