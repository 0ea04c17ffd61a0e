/**
 * The mapping engine: compiles a mapping document (YAML + one JSONata expression) once, with the
 * money and text helpers registered, and evaluates it. Every problem is a `MappingError`
 * (`connector/errors.ts` shape, re-declared here because mappings/ imports nothing outside
 * itself) whose message starts with `file:line`. Pure: no I/O.
 */
import jsonata from 'jsonata';
import {
  lineOfOffset,
  MappingDocumentError,
  readMappingDocument,
  type MappingDocument,
} from './document.ts';
import { compileFast, type FastExpression } from './fast-eval.ts';
import { MONEY_FUNCTIONS } from './money.ts';
import { plainJson } from './plain-json.ts';
import { TEXT_FUNCTIONS } from './text.ts';

/** Every function a mapping expression can call besides JSONata's own. */
export const MAPPING_FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  ...MONEY_FUNCTIONS,
  ...TEXT_FUNCTIONS,
};

/** Issue of a mapping error: a path (`expression`, a key, a field of the result) and a message. */
export interface MappingIssue {
  path: string;
  message: string;
}

/**
 * Structurally the `MappingError` of `connector/errors.ts` (name, file, issues, cause), so the
 * pipeline's outcome table treats both alike; the connector re-wraps it in its own class.
 */
export class MappingEngineError extends Error {
  override readonly name = 'MappingError';
  readonly file: string;
  readonly line: number | null;
  readonly issues: MappingIssue[];
  constructor(
    message: string,
    file: string,
    line: number | null,
    issues: MappingIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.file = file;
    this.line = line;
    this.issues = issues;
  }
}

export interface CompiledMapping {
  /** Name of the mapping: the file name without `.yaml` (`invoice.created`). */
  name: string;
  file: string;
  description: string;
  output: MappingDocument['output'];
  /**
   * Why the expression runs on JSONata alone, or null when the synchronous fast path
   * (`fast-eval.ts`) takes it (falling back to JSONata for any input it declines).
   */
  slowPathReason: string | null;
  /** Evaluates the expression; the result is plain JSON (undefined when the expression gives nothing). */
  evaluate(input: unknown): Promise<unknown>;
}

export interface CompileOptions {
  /** Use the fast path where the expression allows it (default true; false = JSONata only). */
  fastPath?: boolean;
}

interface JsonataError {
  message?: unknown;
  position?: unknown;
  code?: unknown;
}

function where(file: string, line: number | null): string {
  return line === null ? file : `${file}:${line}`;
}

function baseName(file: string): string {
  const last = file.split(/[\\/]/).pop() ?? file;
  return last.replace(/\.ya?ml$/i, '');
}

export function compileMappingDocument(
  text: string,
  file: string,
  options: CompileOptions = {},
): CompiledMapping {
  let doc: MappingDocument;
  try {
    doc = readMappingDocument(text);
  } catch (err) {
    if (!(err instanceof MappingDocumentError)) throw err;
    throw new MappingEngineError(`${where(file, err.line)}: ${err.message}`, file, err.line, [
      { path: err.key || '(file)', message: err.message },
    ]);
  }

  const lineOf = (err: JsonataError): number | null =>
    typeof err.position === 'number' ? lineOfOffset(doc, err.position) : null;

  let expression: jsonata.Expression;
  try {
    expression = jsonata(doc.expression);
  } catch (err) {
    const e = err as JsonataError;
    const line = lineOf(e);
    const message = `JSONata syntax error${typeof e.code === 'string' ? ` ${e.code}` : ''}: ${String(e.message)}`;
    throw new MappingEngineError(
      `${where(file, line)}: ${message}`,
      file,
      line,
      [{ path: 'expression', message }],
      {
        cause: err,
      },
    );
  }
  for (const [name, fn] of Object.entries(MAPPING_FUNCTIONS)) {
    expression.registerFunction(name, fn);
  }
  let fast: FastExpression | null = null;
  let slowPathReason: string | null = 'fast path turned off';
  if (options.fastPath !== false) {
    const compiled = compileFast(expression.ast(), MAPPING_FUNCTIONS);
    if (compiled.ok) fast = compiled.expression;
    slowPathReason = compiled.ok ? null : compiled.reason;
  }

  return {
    name: baseName(file),
    file,
    description: doc.description,
    output: doc.output,
    slowPathReason,
    async evaluate(input: unknown): Promise<unknown> {
      if (fast !== null) {
        try {
          return plainJson(fast.evaluate(input));
        } catch {
          // declined (or anything unexpected): JSONata gives the result or the error
        }
      }
      try {
        return plainJson(await expression.evaluate(input));
      } catch (err) {
        const e = err as JsonataError;
        const line = lineOf(e);
        const message = String(e.message ?? err);
        throw new MappingEngineError(
          `${where(file, line)}: evaluation failed: ${message}`,
          file,
          line,
          [{ path: 'expression', message }],
          { cause: err },
        );
      }
    },
  };
}
