/**
 * Golden cases of the mapping files (`agency-connector mappings test`). A case is a YAML file
 * `<dir>/<adapter>/cases/<mapping name>/<case>.yaml` with `input` and either `expected` (the
 * mapping's whole result) or `expectError` (text the error message must contain). The optional
 * `<dir>/<adapter>/cases/_defaults.yaml` holds an `input` whose top-level keys fill those a case
 * leaves out (the source config, typically). Request results go through the same checks as in
 * production (agency request schema when validators are given, action comment markers);
 * outbound results are checked against the contract's outbound schemas.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { outboundSchemas, type OutboundType } from '../contract/index.ts';
import type { MappingInput } from '../pipeline/mapping-port.ts';
import { agencyRequestValidators } from './agency-validators.ts';
import { jsonDiff } from './json-diff.ts';
import { loadMappings, type MappingSet } from './loader.ts';
import { createMappingRunner, type MappingRunner, type RequestValidators } from './runner.ts';

export interface MappingTestOptions {
  /**
   * The agency request schema; default: the agency adapter's. `null` compares request bodies
   * without the schema check.
   */
  validators?: RequestValidators | null;
}

export interface MappingTestFailure {
  /** The mapping file that ran (or the case folder when no mapping matches). */
  file: string;
  /** The case file. */
  case: string;
  diff: string;
}

export interface MappingTestReport {
  passed: number;
  failed: MappingTestFailure[];
  /** Per mapping file: cases passed and failed. */
  files: { file: string; passed: number; failed: number }[];
  schemaChecked: boolean;
}

const CASE_KEYS = new Set(['description', 'input', 'expected', 'expectError']);

interface GoldenCase {
  input: Record<string, unknown>;
  expected?: unknown;
  expectError?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function listDir(dir: string, kind: 'file' | 'dir'): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => (kind === 'dir' ? e.isDirectory() : e.isFile() && /\.ya?ml$/i.test(e.name)))
      .map((e) => e.name)
      .filter((n) => !n.startsWith('.'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function readCase(text: string, defaults: Record<string, unknown>): GoldenCase {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc)) throw new Error('a case must be a YAML mapping with input and expected');
  const unknown = Object.keys(doc).filter((k) => !CASE_KEYS.has(k));
  if (unknown.length > 0)
    throw new Error(`unknown key(s) ${unknown.join(', ')} (known: ${[...CASE_KEYS].join(', ')})`);
  if (!isRecord(doc.input)) throw new Error('"input" must be a mapping');
  const hasExpected = 'expected' in doc;
  if (hasExpected === (typeof doc.expectError === 'string')) {
    throw new Error('a case needs exactly one of "expected" and "expectError"');
  }
  return {
    input: { ...defaults, ...doc.input },
    ...(hasExpected ? { expected: doc.expected } : { expectError: doc.expectError as string }),
  };
}

async function readDefaults(casesDir: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(join(casesDir, '_defaults.yaml'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc) || !isRecord(doc.input)) {
    throw new Error(`${join(casesDir, '_defaults.yaml')}: must hold an "input" mapping`);
  }
  return doc.input;
}

function outboundProblems(type: string, data: unknown): string[] {
  const schema = (
    outboundSchemas as Partial<Record<string, (typeof outboundSchemas)[OutboundType]>>
  )[type];
  if (schema === undefined || data === null) return [];
  const result = schema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.map(
    (i) => `contract §4 ${type}: ${i.path.join('.') || '(data)'}: ${i.message}`,
  );
}

/** Runs one case; the diff text when it fails, else null. */
async function runCase(
  runner: MappingRunner,
  adapter: string,
  name: string,
  golden: GoldenCase,
): Promise<string | null> {
  const mapping = runner.mappingFor(adapter, name);
  let actual: unknown;
  try {
    if (mapping.output.kind === 'agency') {
      const mapped = await runner.map(adapter, name, golden.input as unknown as MappingInput);
      actual = { request: mapped.request, body: mapped.body };
    } else {
      actual = await runner.mapOutbound(adapter, name, golden.input);
      const problems = outboundProblems(name, actual);
      if (problems.length > 0) return problems.join('\n');
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (golden.expectError !== undefined && message.includes(golden.expectError)) return null;
    return golden.expectError !== undefined
      ? `expected an error containing ${JSON.stringify(golden.expectError)}, got: ${message}`
      : `failed: ${message}`;
  }
  if (golden.expectError !== undefined) {
    return `expected an error containing ${JSON.stringify(golden.expectError)}, got a result`;
  }
  const lines = jsonDiff(golden.expected, actual);
  return lines.length === 0 ? null : lines.join('\n');
}

export async function runMappingTests(
  dir: string,
  options: MappingTestOptions = {},
): Promise<MappingTestReport> {
  const mappings: MappingSet = await loadMappings(dir);
  const validators =
    options.validators === undefined ? agencyRequestValidators : options.validators;
  const runner = createMappingRunner({ mappings, validators });
  const failed: MappingTestFailure[] = [];
  const perFile = new Map<string, { passed: number; failed: number }>();
  const count = (file: string, ok: boolean) => {
    const entry = perFile.get(file) ?? { passed: 0, failed: 0 };
    if (ok) entry.passed++;
    else entry.failed++;
    perFile.set(file, entry);
  };
  let passed = 0;
  const covered = new Set<string>();

  for (const adapter of mappings.adapters()) {
    const casesDir = join(dir, adapter, 'cases');
    const defaults = await readDefaults(casesDir);
    for (const name of await listDir(casesDir, 'dir')) {
      const mapping = mappings.find(adapter, name);
      const caseFiles = (await listDir(join(casesDir, name), 'file')).map((f) =>
        join(casesDir, name, f),
      );
      if (mapping === null) {
        failed.push({
          file: join(casesDir, name),
          case: '(folder)',
          diff: `no mapping "${name}" in ${adapter}/ or generic/`,
        });
        continue;
      }
      for (const caseFile of caseFiles) {
        let diff: string | null;
        try {
          diff = await runCase(
            runner,
            adapter,
            name,
            readCase(await readFile(caseFile, 'utf8'), defaults),
          );
        } catch (err) {
          diff = `bad case file: ${err instanceof Error ? err.message : String(err)}`;
        }
        covered.add(mapping.file);
        count(mapping.file, diff === null);
        if (diff === null) passed++;
        else failed.push({ file: mapping.file, case: caseFile, diff });
      }
    }
  }
  for (const { mapping } of mappings.list()) {
    if (covered.has(mapping.file)) continue;
    count(mapping.file, false);
    failed.push({
      file: mapping.file,
      case: '(none)',
      diff: `no golden cases: add them under cases/${mapping.name}/`,
    });
  }
  const files = [...perFile.entries()]
    .map(([file, c]) => ({ file, ...c }))
    .sort((a, b) => a.file.localeCompare(b.file));
  return { passed, failed, files, schemaChecked: validators !== null };
}

export interface MappingsTestCliOptions extends MappingTestOptions {
  out?: { write(text: string): unknown };
}

const USAGE =
  'usage: agency-connector mappings test [--dir <mappings folder>]   (default: mappings)\n';

/** `mappings test [--dir D]`: prints one line per mapping file and the diffs; exit code 0, 1 or 2. */
export async function runMappingsTestCli(
  argv: string[],
  options: MappingsTestCliOptions = {},
): Promise<number> {
  const out = options.out ?? process.stdout;
  let dir = 'mappings';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--dir' && argv[i + 1] !== undefined) dir = argv[++i] ?? dir;
    else if (arg.startsWith('--dir=')) dir = arg.slice('--dir='.length);
    else if (arg === '--help' || arg === '-h') {
      out.write(USAGE);
      return 0;
    } else {
      out.write(`unknown argument "${arg}"\n${USAGE}`);
      return 2;
    }
  }
  let report: MappingTestReport;
  try {
    report = await runMappingTests(dir, options);
  } catch (err) {
    out.write(
      `mappings could not be loaded:\n${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  for (const f of report.files) {
    const total = f.passed + f.failed;
    out.write(
      f.failed === 0
        ? `ok    ${f.file} (${total} cases)\n`
        : `FAIL  ${f.file} (${f.failed} of ${total} failed)\n`,
    );
  }
  for (const f of report.failed) {
    out.write(`\n--- ${f.file}\n    case ${f.case}\n${f.diff.replace(/^/gm, '    ')}\n`);
  }
  if (!report.schemaChecked)
    out.write('\nnote: agency request schema not checked (no validators given)\n');
  out.write(`\n${report.passed} passed, ${report.failed.length} failed\n`);
  return report.failed.length === 0 ? 0 : 1;
}
