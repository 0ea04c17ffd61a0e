/**
 * Reads a mapping document (YAML): checks its keys and returns the expression with what is needed
 * to turn a position inside the expression into a line of the file. Pure.
 *
 * ```yaml
 * description: invoice.created → POST /invoice      # required: what and why
 * input: the contract event, source config, stored invoice  # optional: documents the input
 * output: createInvoice                             # required: createInvoice | createActions |
 *                                                   #   a list of both | outbound:<event type>
 * expression: |                                     # required: one JSONata expression
 *   { "request": "createInvoice", "body": { … } }
 * ```
 */
import { LineCounter, parseDocument, isMap, isScalar, Scalar } from 'yaml';

export type AgencyRequestName = 'createInvoice' | 'createActions';

export interface MappingDocument {
  description: string;
  input: string | null;
  /** Agency requests the result may be, or the one outbound event type it builds. */
  output: { kind: 'agency'; requests: AgencyRequestName[] } | { kind: 'outbound'; type: string };
  expression: string;
  /** 1-based file line of the expression's first character. */
  expressionLine: number;
}

/** A problem in a mapping file, at a 1-based line (null when the file as a whole is wrong). */
export class MappingDocumentError extends Error {
  override readonly name = 'MappingDocumentError';
  readonly line: number | null;
  readonly key: string;
  constructor(message: string, line: number | null, key = '') {
    super(message);
    this.line = line;
    this.key = key;
  }
}

const KNOWN_KEYS = ['description', 'input', 'output', 'expression'] as const;
const AGENCY_REQUESTS: readonly string[] = ['createInvoice', 'createActions'];
const OUTBOUND = /^outbound:([a-z_]+(\.[a-z_]+)+)$/;

function parseOutput(value: unknown, line: number | null): MappingDocument['output'] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 1 && typeof list[0] === 'string') {
    const outbound = OUTBOUND.exec(list[0]);
    if (outbound) return { kind: 'outbound', type: outbound[1] ?? '' };
  }
  if (list.length > 0 && list.every((v) => typeof v === 'string' && AGENCY_REQUESTS.includes(v))) {
    return { kind: 'agency', requests: [...new Set(list as AgencyRequestName[])] };
  }
  throw new MappingDocumentError(
    'output must be createInvoice, createActions, a list of both, or outbound:<event type>',
    line,
    'output',
  );
}

export function readMappingDocument(text: string): MappingDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number | null =>
    offset === undefined ? null : lineCounter.linePos(offset).line;
  const yamlError = doc.errors[0];
  if (yamlError) {
    const message = yamlError.message.split('\n')[0] ?? yamlError.message;
    throw new MappingDocumentError(`YAML: ${message}`, lineAt(yamlError.pos[0]));
  }
  if (!isMap(doc.contents)) {
    throw new MappingDocumentError(
      'must be a YAML mapping with description, output and expression',
      1,
    );
  }

  const values = new Map<string, { value: unknown; line: number | null; node: unknown }>();
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const line = lineAt(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
    if (typeof key !== 'string' || !(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new MappingDocumentError(
        `unknown key "${String(key)}" (known: ${KNOWN_KEYS.join(', ')})`,
        line,
        String(key),
      );
    }
    const node = pair.value;
    const value = isScalar(node)
      ? node.value
      : (node as { toJSON?: () => unknown } | null)?.toJSON?.();
    values.set(key, { value, line, node });
  }

  const text_ = (key: 'description' | 'input' | 'expression', required: boolean): string | null => {
    const entry = values.get(key);
    if (entry === undefined || entry.value === null || entry.value === undefined) {
      if (required)
        throw new MappingDocumentError(`"${key}" is required`, entry?.line ?? null, key);
      return null;
    }
    if (typeof entry.value !== 'string' || entry.value.trim() === '') {
      throw new MappingDocumentError(`"${key}" must be non-empty text`, entry.line, key);
    }
    return entry.value;
  };

  const description = text_('description', true) ?? '';
  const input = text_('input', false);
  const expression = text_('expression', true) ?? '';
  const outputEntry = values.get('output');
  if (outputEntry === undefined)
    throw new MappingDocumentError('"output" is required', null, 'output');
  const output = parseOutput(outputEntry.value, outputEntry.line);

  const exprNode = values.get('expression')?.node;
  let expressionLine = values.get('expression')?.line ?? 1;
  if (isScalar(exprNode)) {
    const start = lineAt(exprNode.range?.[0]) ?? expressionLine;
    const block = exprNode.type === Scalar.BLOCK_LITERAL || exprNode.type === Scalar.BLOCK_FOLDED;
    // A block scalar's text starts on the line after its `|` or `>` header.
    expressionLine = block ? start + 1 : start;
  }
  return { description, input, output, expression, expressionLine };
}

/** The file line of a character offset inside the expression (exact for `|` block scalars). */
export function lineOfOffset(
  doc: Pick<MappingDocument, 'expression' | 'expressionLine'>,
  offset: number,
): number {
  const before = doc.expression.slice(0, Math.max(0, offset));
  let newlines = 0;
  for (const ch of before) if (ch === '\n') newlines++;
  return doc.expressionLine + newlines;
}
