import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';

const valid = {
  specversion: '1.0',
  id: '5f0c2a4e-0d7b-4e55-9f38-6e0c1c0f3b11',
  source: 'erp/acme',
  type: 'invoice.created',
  time: '2026-11-23T10:00:00Z',
  subject: '100234',
  datacontenttype: 'application/json',
  data: { any: 'thing' },
};

function pathsOf(raw: unknown): string[] {
  try {
    parseEnvelope(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return (err as InvalidMessageError).issues.map((i) => i.path);
  }
  throw new Error('expected a failure');
}

describe('parseEnvelope', () => {
  it('accepts the contract example and keeps data as it is', () => {
    const env = parseEnvelope(valid);
    expect(env).toMatchObject({
      id: valid.id,
      type: 'invoice.created',
      subject: '100234',
      data: { any: 'thing' },
    });
    expect(env.extensions).toEqual({});
  });

  it('accepts the minimum: specversion, id, source, type, data', () => {
    const { time: _t, subject: _s, datacontenttype: _d, ...min } = valid;
    expect(parseEnvelope(min).time).toBeUndefined();
  });

  it('accepts data: null but not a missing data', () => {
    expect(parseEnvelope({ ...valid, data: null }).data).toBeNull();
    const { data: _data, ...noData } = valid;
    expect(pathsOf(noData)).toContain('data');
  });

  it('keeps causationid, invoicenumber and other well-named extensions', () => {
    const env = parseEnvelope({
      ...valid,
      causationid: 'abc',
      invoicenumber: '100234',
      traceparent: '00-ab',
      partitionkey: 7,
    });
    expect(env.causationid).toBe('abc');
    expect(env.invoicenumber).toBe('100234');
    expect(env.extensions).toEqual({ traceparent: '00-ab', partitionkey: 7 });
  });

  it.each([
    [{ ...valid, specversion: '0.3' }, 'specversion'],
    [{ ...valid, specversion: 1 }, 'specversion'],
    [{ ...valid, id: '' }, 'id'],
    [{ ...valid, id: 'x'.repeat(201) }, 'id'],
    [{ ...valid, id: 'a\nb' }, 'id'],
    [{ ...valid, id: 42 }, 'id'],
    [{ ...valid, source: undefined }, 'source'],
    [{ ...valid, type: 'Invoice Created' }, 'type'],
    [{ ...valid, time: '2026-11-23 10:00' }, 'time'],
    [{ ...valid, time: '2026-02-30T10:00:00Z' }, 'time'],
    [{ ...valid, subject: 'x'.repeat(201) }, 'subject'],
    [{ ...valid, datacontenttype: 'text/xml' }, 'datacontenttype'],
    [{ ...valid, Type: 'x' }, 'Type'],
    [{ ...valid, extension_with_underscore: 'x' }, 'extension_with_underscore'],
    [{ ...valid, averyveryverylongextensionname: 'x' }, 'averyveryverylongextensionname'],
    [{ ...valid, myext: { nested: true } }, 'myext'],
    [{ ...valid, myext: 1.5 }, 'myext'],
    [{ ...valid, data_base64: 'AAAA' }, 'data_base64'],
  ])('names the bad attribute (%#: %s)', (raw, path) => {
    expect(pathsOf(raw)).toContain(path);
  });

  it('reports all problems at once with a readable message', () => {
    try {
      parseEnvelope({ specversion: '2.0', source: 'x', type: 'invoice.created', data: {} });
    } catch (err) {
      const e = err as InvalidMessageError;
      expect(e.issues.map((i) => i.path).sort()).toEqual(['id', 'specversion']);
      expect(e.message).toMatch(/^invalid envelope: /);
      return;
    }
    throw new Error('expected a failure');
  });

  it.each([null, [], 'text', 42, true])('refuses a non-object body %j', (raw) => {
    expect(() => parseEnvelope(raw)).toThrow(InvalidMessageError);
  });

  it('treats a __proto__ key as an unknown attribute, not a prototype', () => {
    const raw = JSON.parse(
      '{"specversion":"1.0","id":"1","source":"s","type":"invoice.created","data":{},"__proto__":{"x":1}}',
    );
    expect(pathsOf(raw)).toEqual(['__proto__']);
  });
});
