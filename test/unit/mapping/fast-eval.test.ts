/**
 * The fast path (`mappings/lib/fast-eval.ts`) against JSONata itself: wherever the fast path
 * answers instead of declining, its answer must be JSONata's, and where JSONata throws, the fast
 * path must decline. Checked on every golden case of every mapping file, on golden inputs with
 * random parts replaced, and on small expressions over random values.
 */
import fc from 'fast-check';
import jsonata from 'jsonata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readMappingDocument } from '../../../mappings/lib/document.ts';
import { MAPPING_FUNCTIONS, compileMappingDocument } from '../../../mappings/lib/engine.ts';
import { FAST_PATH_DECLINED, compileFast } from '../../../mappings/lib/fast-eval.ts';

const MAPPINGS_DIR = join(import.meta.dirname, '../../../mappings');

/** The mappings on the pipeline's hot path: the fast path must take them whole. */
const HOT = ['invoice.created', 'invoice.accepted', 'invoice.payment_received', 'action.accepted'];

type Outcome = { kind: 'value'; value: unknown } | { kind: 'error' } | { kind: 'declined' };

interface Pair {
  name: string;
  jsonata: jsonata.Expression;
  fast: ReturnType<typeof compileFast>;
}

function toJson(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function pair(name: string, text: string): Pair {
  const expression = jsonata(text);
  for (const [fnName, fn] of Object.entries(MAPPING_FUNCTIONS)) {
    expression.registerFunction(fnName, fn);
  }
  return { name, jsonata: expression, fast: compileFast(expression.ast(), MAPPING_FUNCTIONS) };
}

async function viaJsonata(p: Pair, input: unknown): Promise<Outcome> {
  try {
    return { kind: 'value', value: toJson(await p.jsonata.evaluate(input)) };
  } catch {
    return { kind: 'error' };
  }
}

function viaFast(p: Pair, input: unknown): Outcome {
  if (!p.fast.ok) return { kind: 'declined' };
  try {
    return { kind: 'value', value: toJson(p.fast.expression.evaluate(input)) };
  } catch (err) {
    if (err === FAST_PATH_DECLINED) return { kind: 'declined' };
    throw err;
  }
}

/** The fast outcome agrees with JSONata's: declined, or the same value. */
async function agree(p: Pair, input: unknown): Promise<Outcome> {
  const fast = viaFast(p, input);
  if (fast.kind === 'declined') return fast;
  const slow = await viaJsonata(p, input);
  expect(slow, `${p.name}: JSONata threw where the fast path answered`).toEqual(fast);
  return fast;
}

interface MappingFile {
  adapter: string;
  name: string;
  text: string;
  cases: Record<string, unknown>[];
}

function readMappingFiles(): MappingFile[] {
  const files: MappingFile[] = [];
  for (const adapter of readdirSync(MAPPINGS_DIR)) {
    const dir = join(MAPPINGS_DIR, adapter);
    if (adapter === 'lib' || !statSync(dir).isDirectory()) continue;
    const casesDir = join(dir, 'cases');
    let defaults: Record<string, unknown> = {};
    try {
      defaults = (
        parseYaml(readFileSync(join(casesDir, '_defaults.yaml'), 'utf8')) as {
          input: Record<string, unknown>;
        }
      ).input;
    } catch {
      defaults = {};
    }
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const name = file.replace(/\.yaml$/, '');
      const doc = readMappingDocument(readFileSync(join(dir, file), 'utf8'));
      let caseFiles: string[];
      try {
        caseFiles = readdirSync(join(casesDir, name)).filter((f) => f.endsWith('.yaml'));
      } catch {
        caseFiles = [];
      }
      const cases = caseFiles.map((f) => {
        const c = parseYaml(readFileSync(join(casesDir, name, f), 'utf8')) as {
          input: Record<string, unknown>;
        };
        return { ...defaults, ...c.input };
      });
      files.push({ adapter, name, text: doc.expression, cases });
    }
  }
  return files;
}

const FILES = readMappingFiles();

describe('fast mapping path', () => {
  it('takes every hot mapping whole', () => {
    for (const name of HOT) {
      const file = FILES.find((f) => f.name === name);
      expect(file, name).toBeDefined();
      const p = pair(name, (file as MappingFile).text);
      expect(p.fast.ok ? null : p.fast.reason, name).toBeNull();
    }
  });

  it('gives JSONata’s answer on every golden case (and answers the hot ones itself)', async () => {
    let answered = 0;
    for (const file of FILES) {
      const p = pair(`${file.adapter}/${file.name}`, file.text);
      for (const input of file.cases) {
        const outcome = await agree(p, input);
        if (outcome.kind === 'value') answered++;
        if (HOT.includes(file.name) && (await viaJsonata(p, input)).kind === 'value') {
          expect(outcome.kind, `${p.name} declined a golden case`).toBe('value');
        }
      }
    }
    expect(answered).toBeGreaterThan(20);
  });

  it('agrees with JSONata on golden inputs with random parts replaced or removed', async () => {
    const usable = FILES.filter((f) => f.cases.length > 0 && pair(f.name, f.text).fast.ok);
    const pairs = new Map(usable.map((f) => [f.name, pair(f.name, f.text)]));
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, '', '0', '12.34', '-1.5', 0, -0, 1.5, 'INVOICE', true, null),
      fc.constantFrom('2026-01-31', '2026-13-01', 'x', '2026-01-31T10:00:00Z', [], {}, ['a']),
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...usable.map((f) => f.name)),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), leaf), { minLength: 1, maxLength: 4 }),
        async (name, caseIndex, edits) => {
          const file = usable.find((f) => f.name === name) as MappingFile;
          const input = structuredClone(file.cases[caseIndex % file.cases.length]) as object;
          for (const [at, value] of edits) replaceSomewhere(input, at, value);
          if ((await agree(pairs.get(file.name) as Pair, input)).kind === 'value') answered++;
        },
      ),
      { numRuns: 1500, seed: 20261123 },
    );
    // the comparison means something only where the fast path answered
    expect(answered).toBeGreaterThan(300);
  });

  const EXPRESSIONS = [
    'a & b',
    'a + b',
    'a - b * c',
    'a / b',
    'a % b',
    '-a',
    'a = b',
    'a != b',
    'a < b',
    'a >= b',
    'a in b',
    'a and b',
    'a or b',
    'a ? b : c',
    'a ? b',
    'a.b',
    'a.b.c',
    'a.(b & "x")',
    '[a, b, [c]]',
    '[a.b]',
    '[a, b].c',
    '{ "k": a, "j": b.c }',
    '{ a: b }',
    'a.{ "x": b }',
    '($x := a; $y := b; $x = $y ? c : $x)',
    '$$.a',
    '$',
    '$type(a)',
    '$exists(a.b)',
    '$count(a)',
    '$uppercase(a)',
    '$join(a, b)',
    '$join(a)',
    '$replace(a, " ", "")',
    '$replace(a, b, c)',
    '$substring(a, b, c)',
    '$substring(a, b)',
    '$toMillis(a)',
    '$append(a, b)',
    '$merge(a)',
    '$merge([a, b])',
    '$int(a)',
    '$num(a)',
    '$add(a, b)',
    '$round(a, 2, "half-up")',
  ];

  it('compiles every operator and function of its subset', () => {
    for (const text of EXPRESSIONS) {
      const p = pair(text, text);
      expect(p.fast.ok ? null : p.fast.reason, text).toBeNull();
    }
  });

  it('refuses what it does not implement', () => {
    for (const text of [
      'a[0]',
      'a[b > 1]',
      'a^(b)',
      '$map(a, function($v) { $v })',
      '$now()',
      '$string(a)',
      'a.%.b',
      '**.a',
      '$sum := 1',
      '$x',
      'a{ b: c }',
    ]) {
      expect(pair(text, text).fast.ok, text).toBe(false);
    }
  });

  it('agrees with JSONata on small expressions over random values', async () => {
    const value = fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, '', ' a b ', '10.50', 0, 1, -2, 2.5, true, false, null),
      fc.constantFrom([], ['x', 'y'], [1, 2], { b: 'x' }, [{ b: 1 }, { b: [2, 3] }], { c: [] }),
      fc.constantFrom('2026-01-31', '2026-01-31T10:00:00.5+02:00', 'x', '\ud83d\ude00abc'),
    );
    const pairs = EXPRESSIONS.map((text) => pair(text, text));
    const answered = new Set<string>();
    let answers = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EXPRESSIONS),
        fc.record({ a: value, b: value, c: value }, { requiredKeys: [] }),
        async (text, input) => {
          const p = pairs[EXPRESSIONS.indexOf(text)] as Pair;
          if ((await agree(p, input)).kind !== 'value') return;
          answered.add(p.name);
          answers++;
        },
      ),
      { numRuns: 4000, seed: 1123 },
    );
    expect(answers).toBeGreaterThan(1500);
    expect(EXPRESSIONS.filter((e) => !answered.has(e))).toEqual([]);
  });

  it('falls back to JSONata for what it declines, in the engine', async () => {
    const mapping = compileMappingDocument(
      [
        'description: t',
        'output: outbound:invoice.accepted',
        'expression: |',
        '  $int(a) & b',
      ].join('\n'),
      'mappings/generic/x.yaml',
    );
    expect(mapping.slowPathReason).toBeNull();
    expect(await mapping.evaluate({ a: '12', b: 'x' })).toBe('12x');
    // $int throws on a non-integer: the fast path declines, and JSONata's error comes through
    await expect(mapping.evaluate({ a: 'nope', b: 'x' })).rejects.toThrow(
      /x\.yaml:4: evaluation failed/,
    );
    // a boolean in "&" is JSONata's to format
    expect(await mapping.evaluate({ a: '1', b: true })).toBe('1true');
  });
});

/** Replaces (or, for undefined, removes) the `at`-th node of a depth-first walk of `root`. */
function replaceSomewhere(root: object, at: number, value: unknown): void {
  const slots: [Record<string, unknown>, string][] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      slots.push([node as Record<string, unknown>, key]);
      walk((node as Record<string, unknown>)[key]);
    }
  };
  walk(root);
  if (slots.length === 0) return;
  const [parent, key] = slots[at % slots.length] as [Record<string, unknown>, string];
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}
