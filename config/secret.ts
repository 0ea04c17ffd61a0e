/**
 * Secret fields in the config schema: marked with zod metadata, redacted whenever config is
 * printed or logged. `redactConfig` walks the schema beside the value, so a new secret field is
 * redacted by marking it, not by remembering a list.
 */
import { z } from 'zod';

export const REDACTED = '[redacted]';

export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true });
}

function isSecret(schema: z.ZodType): boolean {
  const meta = schema.meta() as { secret?: unknown } | undefined;
  return meta?.secret === true;
}

/** Unwraps optional/default/nullable/pipe wrappers, stopping at the first one marked secret. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; secret: boolean } {
  let current: z.ZodType = schema;
  for (let i = 0; i < 10; i += 1) {
    if (isSecret(current)) return { inner: current, secret: true };
    const def = current.def as { innerType?: z.ZodType; in?: z.ZodType; type: string };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return { inner: current, secret: isSecret(current) };
}

/** Masks the password of a URL (`amqp://user:***@host`), leaves other strings alone. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)([^@]*)@/i, `$1${REDACTED}@`);
}

export function redactConfig(schema: z.ZodType, value: unknown): unknown {
  const { inner, secret: hidden } = unwrap(schema);
  if (hidden) return value === undefined || value === null || value === '' ? value : REDACTED;
  if (inner instanceof z.ZodObject && value && typeof value === 'object') {
    const shape = inner.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const field = shape[key];
      out[key] = field ? redactConfig(field, v) : v;
    }
    return out;
  }
  if (inner instanceof z.ZodRecord && value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = redactConfig(inner.valueType as z.ZodType, v);
    }
    return out;
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((v) => redactConfig(inner.element as z.ZodType, v));
  }
  if (typeof value === 'string') return maskUrlPassword(value);
  return value;
}
