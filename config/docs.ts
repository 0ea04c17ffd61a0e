/**
 * Generates docs/configuration.md from the schema (keys, types, defaults, descriptions, secrets).
 * `npm run docs:config` writes it; a unit test fails when the file and the schema disagree.
 */
import { z } from 'zod';

interface Row {
  path: string;
  type: string;
  def: string;
  secret: boolean;
  description: string;
}

function typeName(schema: z.ZodType): string {
  const def = schema.def as { type: string; entries?: Record<string, string>; element?: z.ZodType };
  if (def.type === 'enum' && def.entries) return Object.values(def.entries).join(' \\| ');
  if (def.type === 'array' && def.element) return `${typeName(def.element)}[]`;
  return def.type;
}

function walk(schema: z.ZodType, path: string, rows: Row[], inherited = ''): void {
  let current = schema;
  let description = schema.description ?? inherited;
  let defaultValue: unknown;
  let secret = false;
  for (let i = 0; i < 10; i += 1) {
    const meta = current.meta() as { secret?: boolean } | undefined;
    if (meta?.secret) secret = true;
    description ||= current.description ?? '';
    const def = current.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') defaultValue = def.defaultValue;
    if (!def.innerType) break;
    current = def.innerType;
  }
  const def = current.def as { type: string; valueType?: z.ZodType };
  if (current instanceof z.ZodObject) {
    if (path) rows.push({ path, type: 'object', def: '', secret, description });
    const shape: Record<string, z.ZodType> = current.shape;
    for (const [key, child] of Object.entries(shape)) {
      walk(child, path ? `${path}.${key}` : key, rows);
    }
    return;
  }
  if (def.type === 'record' && def.valueType) {
    rows.push({ path, type: 'map', def: '', secret, description });
    walk(def.valueType, `${path}.<name>`, rows);
    return;
  }
  const shown =
    defaultValue === undefined ? '' : secret ? '(secret)' : `\`${JSON.stringify(defaultValue)}\``;
  rows.push({ path, type: typeName(current), def: shown, secret, description });
}

export function configReference(schema: z.ZodType): string {
  const rows: Row[] = [];
  walk(schema, '', rows);
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `config/schema.ts` by `npm run docs:config`; a test fails when they disagree.',
    'Secrets are redacted whenever the config is printed or logged.',
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.path}\` | ${r.type}${r.secret ? ' (secret)' : ''} | ${r.def} | ${r.description.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
