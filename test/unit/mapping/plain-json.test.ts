import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainJson } from '../../../mappings/lib/plain-json.ts';

const roundTrip = (v: unknown): unknown =>
  v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);

describe('plainJson', () => {
  it('is the JSON round trip for any value', () => {
    const odd = fc.constantFrom(
      undefined,
      -0,
      Number.NaN,
      Infinity,
      new Date(0),
      Object.create(null) as object,
      Object.assign(Object.create(null) as object, { a: 1, b: undefined }),
      { toJSON: () => 'x' },
      JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
      [undefined, () => 1],
      { f: () => 1, u: undefined, s: Symbol('s') },
      Object.assign([1, 2], { sequence: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.jsonValue({ maxDepth: 1 }),
        odd,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(plainJson(v)).toStrictEqual(roundTrip(v));
        // no shared structure with the input and no odd prototypes left
        const out = plainJson(v);
        if (out !== null && typeof out === 'object' && !Array.isArray(out)) {
          expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('keeps -0 out and copies rather than shares', () => {
    const input = { a: { b: [1, -0] } };
    const out = plainJson(input) as typeof input;
    expect(Object.is(out.a.b[1], 0)).toBe(true);
    expect(out.a).not.toBe(input.a);
  });
});
