import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  validateCreateActionsRequest,
  validateCreateInvoiceRequest,
} from '../../../adapters/agency/request-schema.ts';
import { jsonDiff } from '../../../connector/mapping/json-diff.ts';
import { runMappingsTestCli, runMappingTests } from '../../../connector/mapping/test-runner.ts';

const validators = {
  createInvoice: validateCreateInvoiceRequest,
  createActions: validateCreateActionsRequest,
};

describe('jsonDiff', () => {
  it('lists the paths that differ with expected and actual values', () => {
    expect(
      jsonDiff(
        { a: { b: 1, c: [1, 2] }, d: 'x', gone: true },
        { a: { b: 2, c: [1] }, d: 'x', added: null },
      ),
    ).toEqual([
      'a.b: expected 1, actual 2',
      'a.c[1]: expected 2, actual (missing)',
      'added: expected (missing), actual null',
      'gone: expected true, actual (missing)',
    ]);
    expect(jsonDiff({ n: 150 }, { n: 150.0 })).toEqual([]);
    expect(jsonDiff('a', 'b')).toEqual(['(root): expected "a", actual "b"']);
    expect(jsonDiff({ 'odd key': 1 }, { 'odd key': '1' })).toEqual([
      '"odd key": expected 1, actual "1"',
    ]);
  });
});

describe('golden cases of the real mappings/ folder', () => {
  it('all pass, with the agency request schema checked', async () => {
    const report = await runMappingTests('mappings', { validators });
    expect((await runMappingTests('mappings')).failed).toEqual([]); // default: the agency's schema
    expect(report.failed).toEqual([]);
    expect(report.schemaChecked).toBe(true);
    expect(report.passed).toBeGreaterThanOrEqual(40);
    for (const file of report.files) expect(file.passed, file.file).toBeGreaterThanOrEqual(2);
  });
});

describe('runMappingTests on a scratch folder', () => {
  let dir: string;
  const put = async (path: string, text: string) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapping-cases-'));
    await put(
      'generic/test.thing.yaml',
      'description: d\noutput: outbound:test.thing\nexpression: |\n  { "invoiceNumber": n, "total": $add(a, b), "who": who }\n',
    );
    await put('generic/cases/_defaults.yaml', 'input:\n  who: default\n');
    await put(
      'generic/cases/test.thing/good.yaml',
      'input: { n: "1", a: "0.1", b: "0.2" }\nexpected: { invoiceNumber: "1", total: "0.30", who: default }\n',
    );
    await put(
      'generic/cases/test.thing/bad.yaml',
      'input: { n: "1", a: "0.1", b: "0.2", who: me }\nexpected: { invoiceNumber: "1", total: "0.3", who: me }\n',
    );
    await put(
      'generic/cases/test.thing/err.yaml',
      'input: { n: "1", a: "x", b: "1" }\nexpectError: "$add: argument 1"\n',
    );
    await put(
      'generic/payment.allocated.yaml',
      'description: d\noutput: outbound:payment.allocated\nexpression: "null"\n',
    );
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a readable diff, mappings without cases, and case folders without mappings', async () => {
    await put('generic/cases/invoice.nothing/a.yaml', 'input: {}\nexpected: null\n');
    const report = await runMappingTests(dir, { validators: null });
    expect(report.passed).toBe(2);
    expect(report.schemaChecked).toBe(false);
    const byCase = Object.fromEntries(report.failed.map((f) => [f.case.split('/').pop(), f]));
    expect(byCase['bad.yaml']?.file).toBe(join(dir, 'generic/test.thing.yaml'));
    expect(byCase['bad.yaml']?.diff).toBe('total: expected "0.3", actual "0.30"');
    expect(byCase['(none)']?.diff).toMatch(
      /no golden cases: add them under cases\/payment\.allocated\//,
    );
    expect(byCase['(folder)']?.diff).toMatch(/no mapping "invoice.nothing"/);
  });

  it('prints one line per mapping file and the diffs, and returns the exit code', async () => {
    let out = '';
    const code = await runMappingsTestCli(['--dir', dir], {
      validators: null,
      out: { write: (s: string) => (out += s) },
    });
    expect(code).toBe(1);
    expect(out).toContain(`FAIL  ${join(dir, 'generic/test.thing.yaml')} (1 of 3 failed)`);
    expect(out).toContain('    total: expected "0.3", actual "0.30"');
    expect(out).toContain('note: agency request schema not checked');
    expect(out).toMatch(/2 passed, 2 failed\n$/);
  });

  it('checks outbound results against the contract schemas', async () => {
    await rm(join(dir, 'generic/payment.allocated.yaml'));
    await put(
      'generic/invoice.accepted.yaml',
      'description: d\noutput: outbound:invoice.accepted\nexpression: \'{ "invoiceNumber": "12a" }\'\n',
    );
    await put(
      'generic/cases/invoice.accepted/a.yaml',
      'input: {}\nexpected: { invoiceNumber: "12a" }\n',
    );
    const report = await runMappingTests(dir);
    const failure = report.failed.find((f) => f.file.endsWith('invoice.accepted.yaml'));
    expect(failure?.diff).toMatch(
      /^contract §4 invoice\.accepted: invoiceNumber: must be digits only/m,
    );
    expect(failure?.diff).toMatch(/^contract §4 invoice\.accepted: acceptedAt: /m);
  });

  it('exits 0 when everything passes, 1 when files are broken, 2 on bad usage', async () => {
    await rm(join(dir, 'generic/cases/test.thing/bad.yaml'));
    await rm(join(dir, 'generic/payment.allocated.yaml'));
    let out = '';
    const write = { write: (s: string) => (out += s) };
    expect(await runMappingsTestCli([`--dir=${dir}`], { out: write })).toBe(0);
    expect(out).toContain(`ok    ${join(dir, 'generic/test.thing.yaml')} (2 cases)`);
    expect(out).not.toContain('not checked');
    expect(await runMappingsTestCli(['--bogus'], { out: write })).toBe(2);
    await put('generic/broken.yaml', 'description: d\noutput: x\nexpression: "1"\n');
    out = '';
    expect(await runMappingsTestCli(['--dir', dir], { out: write })).toBe(1);
    expect(out).toMatch(/mappings could not be loaded:\n.*broken\.yaml:2: output must be/);
  });
});
