/**
 * The CloudEvents 1.0 envelope, structured JSON mode (contract §2). Known attributes are checked
 * strictly; other top-level names are CloudEvents extension attributes and are accepted only
 * when they follow the spec's naming rule (lower-case letters and digits, at most 20
 * characters) and hold a string, boolean, integer or null. `data_base64` (binary data) is refused.
 */
import { z } from 'zod';
import { InvalidMessageError, type FieldIssue } from '../errors.ts';
import { hasNoControlChars, text, timestamp } from './fields.ts';
import { fieldIssues, invalid, summarize } from './issues.ts';

const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;

export const envelopeSchema = z.strictObject({
  specversion: z.literal('1.0', { error: 'must be "1.0"' }),
  id: text(200).refine(hasNoControlChars, 'must not contain control characters'),
  source: text(200).refine(hasNoControlChars, 'must not contain control characters'),
  type: text(100).regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
    'must be a dotted lower-case type like invoice.created',
  ),
  time: timestamp.optional(),
  subject: text(200).refine(hasNoControlChars, 'must not contain control characters').optional(),
  datacontenttype: z
    .string({ error: 'must be a string' })
    .max(100)
    .regex(/^application\/json\s*(;.*)?$/i, 'must be application/json')
    .optional(),
  dataschema: text(500).optional(),
  /** Extension: the inbound id that caused this event. */
  causationid: text(200).optional(),
  /** Extension: the ERP invoice number the event is about. */
  invoicenumber: text(32).optional(),
  data: z.unknown(),
});

export type ExtensionValue = string | number | boolean | null;

export type Envelope = Omit<z.output<typeof envelopeSchema>, 'data'> & {
  data: unknown;
  /** Other extension attributes, as received. */
  extensions: Record<string, ExtensionValue>;
};

const KNOWN = new Set(Object.keys(envelopeSchema.shape));

function checkExtension(
  name: string,
  value: unknown,
  issues: FieldIssue[],
): ExtensionValue | undefined {
  if (name === 'data_base64') {
    issues.push({ path: name, message: 'binary data is not supported: send JSON in data' });
    return undefined;
  }
  if (!EXTENSION_NAME.test(name)) {
    issues.push({
      path: name.slice(0, 50),
      message:
        'is not a CloudEvents attribute (extension names are 1-20 lower-case letters or digits)',
    });
    return undefined;
  }
  const ok =
    value === null ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isSafeInteger(value)) ||
    (typeof value === 'string' && value.length <= 200);
  if (!ok) {
    issues.push({
      path: name,
      message: 'must be a string (at most 200 characters), a boolean, an integer or null',
    });
    return undefined;
  }
  return value;
}

/** Validates a decoded body as a CloudEvents envelope; throws InvalidMessageError with field paths. */
export function parseEnvelope(raw: unknown): Envelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('', 'the message must be a JSON object (a CloudEvents envelope)');
  }
  const record = raw as Record<string, unknown>;
  const known: Record<string, unknown> = {};
  const extensions: Record<string, ExtensionValue> = {};
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (KNOWN.has(name)) {
      known[name] = value;
    } else {
      const ext = checkExtension(name, value, issues);
      if (ext !== undefined) extensions[name] = ext;
    }
  }
  if (!('data' in record)) issues.push({ path: 'data', message: 'is required' });
  const parsed = envelopeSchema.safeParse(known);
  if (!parsed.success) issues.unshift(...fieldIssues(parsed.error));
  if (issues.length > 0 || !parsed.success) {
    throw new InvalidMessageError(summarize('invalid envelope', issues), issues);
  }
  return { ...parsed.data, data: record.data, extensions };
}
