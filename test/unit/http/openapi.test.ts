/** docs/openapi.yaml documents every JSON route of the app (and nothing that is not there). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('docs/openapi.yaml', () => {
  it('matches the route table', () => {
    const doc = parse(readFileSync('docs/openapi.yaml', 'utf8'));
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const served = [
      ...new Set(
        h.app.routes
          .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/ops'))
          .map((r) => `${r.method} ${r.path}`),
      ),
    ].sort();
    expect(documented).toEqual(served);
  });
});
