import { describe, expect, it } from 'vitest';
import { decodeBody, exceedsDepth } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';

const limits = { maxBytes: 1_048_576, maxDepth: 32 };

function errorOf(fn: () => unknown): InvalidMessageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidMessageError) return err;
    throw err;
  }
  throw new Error('expected an InvalidMessageError');
}

describe('decodeBody', () => {
  it('decodes a UTF-8 buffer and a string', () => {
    expect(decodeBody(Buffer.from('{"name":"Pörrö"}'), limits)).toEqual({ name: 'Pörrö' });
    expect(decodeBody('[1,2]', limits)).toEqual([1, 2]);
  });

  it('strips a UTF-8 byte order mark from a buffer', () => {
    expect(decodeBody(Buffer.from('\uFEFF{"a":1}', 'utf8'), limits)).toEqual({ a: 1 });
  });

  it('refuses a body over the size limit before parsing it', () => {
    const body = Buffer.alloc(2_097_152, 0x7b); // 2 MiB of '{': never parsed nor scanned deep
    const err = errorOf(() => decodeBody(body, limits));
    expect(err.message).toBe('body is 2097152 bytes, the limit is 1048576');
    expect(err.issues).toEqual([{ path: '', message: err.message }]);
  });

  it('counts bytes, not characters, for strings', () => {
    expect(() => decodeBody('"ääää"', { maxBytes: 9, maxDepth: 4 })).toThrow(
      'body is 10 bytes, the limit is 9',
    );
  });

  it('refuses nesting deeper than the limit, and accepts exactly the limit', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(() => decodeBody(deep(32), limits)).not.toThrow();
    expect(errorOf(() => decodeBody(deep(33), limits)).message).toBe('JSON nesting deeper than 32');
    expect(errorOf(() => decodeBody(deep(10_000), limits)).message).toBe(
      'JSON nesting deeper than 32',
    );
  });

  it('is not fooled by brackets inside strings or escaped quotes', () => {
    const text = JSON.stringify({
      a: '[[[[[[[[[[{{{{{{{{{{',
      b: 'quote \\" [[[[ "',
      c: [[{ d: ']]]]' }]],
    });
    expect(decodeBody(text, { maxBytes: 1000, maxDepth: 4 })).toEqual(JSON.parse(text)); // {c:[[{ is 4 deep
    expect(() => decodeBody(text, { maxBytes: 1000, maxDepth: 3 })).toThrow(
      'JSON nesting deeper than 3',
    );
    const sneaky = `{"a":"\\\\"}${'['.repeat(5)}`; // the string ends after an escaped backslash
    expect(exceedsDepth(Buffer.from(sneaky), 4)).toBe(true);
  });

  it('refuses invalid JSON without echoing the body', () => {
    const secret = 'Canary Person 1234';
    const err = errorOf(() => decodeBody(`{"name": ${secret}}`, limits));
    expect(err.message).toMatch(/^body is not JSON: /);
    expect(err.message).not.toContain('Canary');
    expect(errorOf(() => decodeBody('{"a":', limits)).message).toBe(
      'body is not JSON: unexpected end of input',
    );
    expect(errorOf(() => decodeBody('', limits)).message).toBe('body is empty');
  });

  it('refuses invalid UTF-8', () => {
    const err = errorOf(() => decodeBody(Buffer.from([0x22, 0xff, 0xfe, 0x22]), limits));
    expect(err.message).toBe('body is not valid UTF-8');
  });
});
