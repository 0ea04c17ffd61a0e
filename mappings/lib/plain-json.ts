/**
 * `JSON.parse(JSON.stringify(value))` without the text in between, for the values a mapping
 * gives: plain (or null-prototype) objects, arrays, strings, finite numbers, booleans and null.
 * Same rules: an undefined member is left out, an undefined array item becomes null, -0 becomes
 * 0. Anything else (a toJSON method, a class instance, a non-finite number, a "__proto__" key)
 * takes the JSON round trip itself, so the answer is always the round trip's.
 */

/** Thrown (this one instance) when a value needs the real round trip. */
const UNUSUAL = new Error('needs the JSON round trip');

function copy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw UNUSUAL;
      return value === 0 ? 0 : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out[i] = item === undefined ? null : copy(item);
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw UNUSUAL;
      const record = value as Record<string, unknown>;
      if ('toJSON' in record) throw UNUSUAL;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        if (key === '__proto__') throw UNUSUAL;
        const item = record[key];
        if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') {
          out[key] = copy(item);
        }
      }
      return out;
    }
    default:
      throw UNUSUAL;
  }
}

export function plainJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return copy(value);
  } catch (err) {
    if (err !== UNUSUAL) throw err;
    return JSON.parse(JSON.stringify(value)) as unknown;
  }
}
