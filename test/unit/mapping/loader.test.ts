import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../connector/mapping/loader.ts';
import { MappingError } from '../../../connector/errors.ts';

let dir: string;

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
}

const mapping = (value: string) =>
  `description: d\noutput: outbound:x.y\nexpression: '"${value}"'\n`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mappings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadMappings', () => {
  it('falls back from an adapter to generic', async () => {
    await put('generic/invoice.created.yaml', mapping('generic created'));
    await put('generic/invoice.withdrawn.yaml', mapping('generic withdrawn'));
    await put('atomia/invoice.withdrawn.yaml', mapping('atomia withdrawn'));
    await put('generic/cases/invoice.created/a.yaml', 'not: [a mapping'); // cases are not mappings
    await put('lib/ignored.yaml', 'not: [a mapping');
    const set = await loadMappings(dir);
    expect(await set.get('atomia', 'invoice.withdrawn').evaluate({})).toBe('atomia withdrawn');
    expect(await set.get('atomia', 'invoice.created').evaluate({})).toBe('generic created');
    expect(await set.get('generic', 'invoice.withdrawn').evaluate({})).toBe('generic withdrawn');
    expect(await set.get('someerp', 'invoice.created').evaluate({})).toBe('generic created');
    expect(set.find('atomia', 'invoice.paused')).toBeNull();
    expect(() => set.get('atomia', 'invoice.paused')).toThrow(MappingError);
    expect(set.adapters()).toEqual(['atomia', 'generic']);
  });

  it('stops on a broken file with its file and line, as a MappingError', async () => {
    await put('generic/good.yaml', mapping('ok'));
    await put(
      'generic/bad.yaml',
      'description: d\noutput: createInvoice\nexpression: |\n  {\n    "a": (1 + \n  }\n',
    );
    const err = await loadMappings(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MappingError);
    expect((err as MappingError).file).toBe(join(dir, 'generic/bad.yaml'));
    expect((err as MappingError).message).toMatch(
      new RegExp(`^${join(dir, 'generic/bad.yaml')}:6: JSONata syntax error`),
    );
  });

  it('lists every broken file at once', async () => {
    await put('generic/one.yaml', 'description: d\noutput: nope\nexpression: "1"\n');
    await put(
      'atomia/two.yaml',
      'description: d\noutput: createInvoice\nexpression: "1"\nextra: 1\n',
    );
    const err = (await loadMappings(dir).catch((e: unknown) => e)) as MappingError;
    expect(err.message).toMatch(/^2 mapping files are broken:/);
    expect(err.message).toContain('one.yaml:2: output must be');
    expect(err.message).toContain('two.yaml:4: unknown key "extra"');
    expect(err.issues).toHaveLength(2);
  });
});
