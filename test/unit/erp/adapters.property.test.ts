import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createAtomiaAdapter } from '../../../adapters/erp/atomia/index.ts';
import { createGenericAdapter } from '../../../adapters/erp/generic/index.ts';
import type { ErpAdapter } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import {
  eventFixtureNames,
  loadEventFixture,
  type FixtureKind,
  type Json,
} from '../../fixtures/events/index.ts';

const adapters: [FixtureKind, ErpAdapter][] = [
  ['generic', createGenericAdapter()],
  ['atomia', createAtomiaAdapter()],
];

/** A fixture with up to four values somewhere in its data replaced by arbitrary JSON. */
function mutated(kind: FixtureKind) {
  return fc
    .tuple(
      fc.constantFrom(...eventFixtureNames(kind)),
      fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
    )
    .map(([name, mutations]) => {
      const env = loadEventFixture(kind, name);
      for (const [index, value] of mutations) {
        let node: Json = env;
        for (let depth = 0; depth < 4 && node && typeof node === 'object'; depth++) {
          const keys = Object.keys(node);
          if (keys.length === 0) break;
          const key = keys[(index >> (depth * 3)) % keys.length]!;
          if (
            depth === 3 ||
            typeof node[key] !== 'object' ||
            node[key] === null ||
            index % (depth + 2) === 0
          ) {
            node[key] = value;
            break;
          }
          node = node[key];
        }
      }
      return env;
    });
}

/** The type as routing-key text; arbitrary JSON (e.g. `{ "toString": false }`) must not throw here. */
function typeText(type: unknown): string {
  return typeof type === 'string' ? type : (JSON.stringify(type) ?? '');
}

describe('ERP adapters: nothing but InvalidMessageError', () => {
  for (const [kind, adapter] of adapters) {
    it(`${kind}: arbitrary bodies, routing keys and AMQP properties`, () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.jsonValue(), mutated(kind), mutated('generic')),
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.constantFrom(
              'acme.invoice.created',
              'acme.atomia.invoice.created',
              'acme.atomia.debtcollection.query',
            ),
          ),
          fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
          fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
          (body, routingKey, replyTo, correlationId) => {
            const type =
              body && typeof body === 'object' && 'type' in body
                ? typeText((body as { type: unknown }).type)
                : '';
            for (const key of [routingKey, `acme.${type}`]) {
              try {
                adapter.adapt(
                  { body, routingKey: key, messageId: 'm', replyTo, correlationId, headers: {} },
                  { source: 'acme' },
                );
              } catch (err) {
                if (!(err instanceof InvalidMessageError)) throw err;
              }
            }
          },
        ),
        { numRuns: 2000 },
      );
    });
  }
});
