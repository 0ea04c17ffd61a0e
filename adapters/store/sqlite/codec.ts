/**
 * Row <-> object mapping for the SQLite backend, driven by one column map per record type.
 * A `ColumnMap<T>` must name every field of T (the compiler checks it), so a field added to a
 * record type in types.ts fails the build here until it has a column.
 */
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';

/**
 * How a field is stored: `text` (NOT NULL), `text?` (nullable text), `int`, `bool` (0/1),
 * `json` (any JSON value as text; `undefined` is stored as `null`).
 */
export type ColumnKind = 'text' | 'text?' | 'int' | 'bool' | 'json';

export type ColumnMap<T> = {
  readonly [K in keyof T]-?: readonly [column: string, kind: ColumnKind];
};

export type Row = Record<string, SQLOutputValue>;

export interface Codec<T> {
  readonly table: string;
  /** SQL column names, in the order `encode` returns values. */
  readonly columns: readonly string[];
  encode(value: T): SQLInputValue[];
  decode(row: Row): T;
}

export function createCodec<T>(table: string, map: ColumnMap<T>): Codec<T> {
  const entries = Object.entries(map) as [keyof T & string, readonly [string, ColumnKind]][];
  return {
    table,
    columns: entries.map(([, [column]]) => column),
    encode: (value) => entries.map(([field, [, kind]]) => encodeValue(value[field], kind, field)),
    decode: (row) => {
      const out: Record<string, unknown> = {};
      for (const [field, [column, kind]] of entries) out[field] = decodeValue(row[column], kind);
      // Every field of T has an entry in the map (ColumnMap<T> is exhaustive).
      return out as T;
    },
  };
}

function encodeValue(value: unknown, kind: ColumnKind, field: string): SQLInputValue {
  switch (kind) {
    case 'text':
    case 'text?':
      if (typeof value === 'string') return value;
      if (kind === 'text?' && (value === null || value === undefined)) return null;
      throw new TypeError(
        `store: field ${field} must be a string${kind === 'text?' ? ' or null' : ''}`,
      );
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new TypeError(`store: field ${field} must be an integer`);
      }
      return value;
    case 'bool':
      return value === true ? 1 : 0;
    case 'json':
      return JSON.stringify(value ?? null);
  }
}

function decodeValue(value: SQLOutputValue | undefined, kind: ColumnKind): unknown {
  switch (kind) {
    case 'text':
      return String(value);
    case 'text?':
      return value === null || value === undefined ? null : String(value);
    case 'int':
      return Number(value);
    case 'bool':
      return value === 1 || value === 1n;
    case 'json':
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : null;
  }
}

type TableColumns = Pick<Codec<unknown>, 'table' | 'columns'>;

/** What to do when a row with the same key exists. */
export type OnConflict =
  | { mode: 'replace'; keys: readonly string[] }
  | { mode: 'ignore'; keys: readonly string[] }
  | { mode: 'fail' };

/** `INSERT` of one row with the codec's columns, then the conflict clause. */
export function insertSql(codec: TableColumns, onConflict: OnConflict): string {
  const cols = codec.columns;
  const head = `INSERT INTO ${codec.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  switch (onConflict.mode) {
    case 'fail':
      return head;
    case 'ignore':
      return `${head} ON CONFLICT (${onConflict.keys.join(', ')}) DO NOTHING`;
    case 'replace': {
      const keys = new Set(onConflict.keys);
      const sets = cols.filter((c) => !keys.has(c)).map((c) => `${c} = excluded.${c}`);
      return `${head} ON CONFLICT (${onConflict.keys.join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
    }
  }
}

/** `SELECT <codec columns> FROM <table>` (the start of every read). */
export function selectSql(codec: TableColumns): string {
  return `SELECT ${codec.columns.join(', ')} FROM ${codec.table}`;
}
