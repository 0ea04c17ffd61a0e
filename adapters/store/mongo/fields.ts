/**
 * Field maps of the MongoDB backend: one per record type, naming every field (the compiler checks
 * it, as for the SQLite column maps). A map gives both the mongoose schema paths and the decoding
 * of a stored document back into the record (dropping `_id` and `seq`, filling absent nullable
 * fields with null). No path has a default: the encoder writes every field (null when empty), and
 * mongoose adds no `$setOnInsert` defaults of its own to the upserts.
 */
import { Schema, type SchemaDefinition } from 'mongoose';

/** `string` (required), `string?` (nullable), `number`, `boolean`, `json` (any JSON value, as is). */
export type FieldKind = 'string' | 'string?' | 'number' | 'boolean' | 'json';

export type FieldMap<T> = { readonly [K in keyof T]-?: FieldKind };

/** Mongoose schema paths for a field map. */
export function schemaPaths<T>(map: FieldMap<T>): SchemaDefinition {
  const paths: SchemaDefinition = {};
  for (const [field, kind] of Object.entries<FieldKind>(map)) {
    switch (kind) {
      case 'string':
        paths[field] = { type: String };
        break;
      case 'string?':
        paths[field] = { type: String };
        break;
      case 'number':
        paths[field] = { type: Number };
        break;
      case 'boolean':
        paths[field] = { type: Boolean };
        break;
      case 'json':
        paths[field] = { type: Schema.Types.Mixed };
        break;
    }
  }
  return paths;
}

/** A stored document (lean) back to the record: only the mapped fields, absent ones as null. */
export function decodeDoc<T>(map: FieldMap<T>, doc: object): T {
  const source = doc as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries<FieldKind>(map)) {
    const value = source[field];
    switch (kind) {
      case 'string':
        out[field] = String(value);
        break;
      case 'number':
        out[field] = Number(value);
        break;
      case 'boolean':
        out[field] = value === true;
        break;
      case 'string?':
      case 'json':
        out[field] = value ?? null;
        break;
    }
  }
  // Every field of T has an entry in the map (FieldMap<T> is exhaustive).
  return out as T;
}

/** The record as a plain document: only the mapped fields, `undefined` stored as null. */
export function encodeDoc<T>(map: FieldMap<T>, value: T): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(map)) out[field] = source[field] ?? null;
  return out;
}
