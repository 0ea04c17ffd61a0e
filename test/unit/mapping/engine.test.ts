import { describe, expect, it } from 'vitest';
import { compileMappingDocument, MappingEngineError } from '../../../mappings/lib/index.ts';

const FILE = 'mappings/generic/example.yaml';

function compileError(text: string): MappingEngineError {
  try {
    compileMappingDocument(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(MappingEngineError);
    return err as MappingEngineError;
  }
  throw new Error('expected a compile error');
}

describe('compileMappingDocument', () => {
  it('compiles and evaluates with the money and text helpers', async () => {
    const mapping = compileMappingDocument(
      [
        'description: test',
        'output: createActions',
        'expression: |',
        '  {',
        '    "sum": $add(a, b),',
        '    "wire": $num($round($mul(a, "1.255"), 2, "half-up")),',
        '    "comment": $actionComment("hello", id)',
        '  }',
      ].join('\n'),
      FILE,
    );
    expect(mapping.name).toBe('example');
    expect(mapping.output).toEqual({ kind: 'agency', requests: ['createActions'] });
    expect(await mapping.evaluate({ a: '0.1', b: '0.2', id: 'e-1' })).toEqual({
      sum: '0.30',
      wire: 0.13,
      comment: 'hello [erp:e-1]',
    });
  });

  it('reads a list of requests and an outbound type', () => {
    const agency = compileMappingDocument(
      'description: d\noutput: [createActions, createInvoice]\nexpression: "1"\n',
      FILE,
    );
    expect(agency.output).toEqual({ kind: 'agency', requests: ['createActions', 'createInvoice'] });
    const outbound = compileMappingDocument(
      'description: d\noutput: outbound:case.updated\nexpression: "1"\n',
      FILE,
    );
    expect(outbound.output).toEqual({ kind: 'outbound', type: 'case.updated' });
  });

  it('gives plain JSON out (no sequences, no undefined members)', async () => {
    const mapping = compileMappingDocument(
      'description: d\noutput: outbound:a.b\nexpression: |\n  { "x": [xs.v], "y": missing }\n',
      FILE,
    );
    const out = await mapping.evaluate({ xs: [{ v: 1 }] });
    expect(JSON.stringify(out)).toBe('{"x":[1]}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('reports a YAML error with file and line', () => {
    const err = compileError('description: d\noutput: createInvoice\nexpression: [1,\nfoo: bar\n');
    expect(err.message).toMatch(/^mappings\/generic\/example\.yaml:\d+: YAML: /);
    expect(err.file).toBe(FILE);
    expect(err.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a JSONata syntax error at its line in the file', () => {
    const text = [
      'description: d', // 1
      'output: createInvoice', // 2
      'expression: |', // 3
      '  {', // 4
      '    "a": 1,', // 5
      '    "b": (2 + }', // 6  ← the error
      '  }', // 7
    ].join('\n');
    const err = compileError(text);
    expect(err.message).toMatch(
      /^mappings\/generic\/example\.yaml:6: JSONata syntax error S0211: /,
    );
    expect(err.line).toBe(6);
    expect(err.issues[0]?.path).toBe('expression');
  });

  it('reports a syntax error in a single-line expression at the key line', () => {
    const err = compileError('description: d\noutput: createInvoice\nexpression: "$foo("\n');
    expect(err.line).toBe(3);
  });

  it('rejects unknown keys by name and line', () => {
    const err = compileError('description: d\noutput: createInvoice\nexpresion: "1"\n');
    expect(err.message).toBe(
      'mappings/generic/example.yaml:3: unknown key "expresion" (known: description, input, output, expression)',
    );
  });

  it('requires description, output and expression, and a known output', () => {
    expect(compileError('output: createInvoice\nexpression: "1"\n').message).toMatch(
      /"description" is required/,
    );
    expect(compileError('description: d\nexpression: "1"\n').message).toMatch(
      /"output" is required/,
    );
    expect(compileError('description: d\noutput: createInvoice\n').message).toMatch(
      /"expression" is required/,
    );
    expect(
      compileError('description: d\noutput: createInvoices\nexpression: "1"\n').message,
    ).toMatch(/example\.yaml:2: output must be/);
    expect(compileError('- a\n- b\n').message).toMatch(/must be a YAML mapping/);
  });

  it('reports evaluation errors (helpers, $error) with file and line', async () => {
    const mapping = compileMappingDocument(
      [
        'description: d',
        'output: createInvoice',
        'expression: |',
        '  (',
        '    $x := 1;',
        '    $dec(amount)',
        '  )',
      ].join('\n'),
      FILE,
    );
    await expect(mapping.evaluate({ amount: '1.005' })).rejects.toThrow(
      /^mappings\/generic\/example\.yaml:6: evaluation failed: \$dec: "1\.005" has more than 2 decimals/,
    );
    const failing = compileMappingDocument(
      'description: d\noutput: createInvoice\nexpression: |\n  $error("no original")\n',
      FILE,
    );
    await expect(failing.evaluate({})).rejects.toMatchObject({
      name: 'MappingError',
      line: 4,
      file: FILE,
    });
  });
});
