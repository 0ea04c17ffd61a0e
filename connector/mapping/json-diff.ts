/**
 * A small structural JSON diff for golden cases: one line per path that differs, with the
 * expected and the actual value. Object keys in sorted order, arrays by index.
 */

const MAX_VALUE_CHARS = 80;

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? safe : `${path}.${safe}`;
}

function walk(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) walk(expected[key], actual[key], join(path, key), out);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) walk(expected[i], actual[i], join(path, i), out);
    return;
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return;
  out.push(`${path === '' ? '(root)' : path}: expected ${show(expected)}, actual ${show(actual)}`);
}

/** Lines `path: expected X, actual Y`; empty when both are the same JSON. */
export function jsonDiff(expected: unknown, actual: unknown): string[] {
  const out: string[] = [];
  walk(expected, actual, '', out);
  return out;
}
