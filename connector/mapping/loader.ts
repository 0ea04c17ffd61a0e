/**
 * Loads every mapping file at start-up: `<dir>/<adapter>/<name>.yaml` (the `lib/` folder and the
 * `cases/` folders are not mapping files). All are compiled at once; any broken file stops the
 * load with a `MappingError` naming each broken file and line. `get(adapter, name)` falls back
 * from the adapter's folder to `generic`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compileMappingDocument,
  MappingEngineError,
  type CompiledMapping,
} from '../../mappings/lib/index.ts';
import { MappingError, type FieldIssue } from '../errors.ts';

export const GENERIC_ADAPTER = 'generic';
const NOT_ADAPTERS = new Set(['lib', 'node_modules']);
const MAPPING_FILE = /^[^_.][^/\\]*\.ya?ml$/i;

export interface MappingSet {
  /** The adapter's own mapping, else the generic one, else null. */
  find(adapter: string, name: string): CompiledMapping | null;
  /** Like `find`, but a missing mapping is a MappingError. */
  get(adapter: string, name: string): CompiledMapping;
  /** Every loaded mapping, by adapter folder. */
  list(): { adapter: string; mapping: CompiledMapping }[];
  adapters(): string[];
}

/** Wraps an engine error (or anything else) in the connector's MappingError. */
export function toMappingError(err: unknown, file: string): MappingError {
  if (err instanceof MappingError) return err;
  if (err instanceof MappingEngineError) {
    return new MappingError(err.message, err.file, err.issues, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new MappingError(`${file}: ${message}`, file, [{ path: '(file)', message }], {
    cause: err,
  });
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_ADAPTERS.has(e.name))
    .map((e) => e.name)
    .sort();
}

export function createMappingSet(
  entries: { adapter: string; mapping: CompiledMapping }[],
): MappingSet {
  const byAdapter = new Map<string, Map<string, CompiledMapping>>();
  for (const { adapter, mapping } of entries) {
    const names = byAdapter.get(adapter) ?? new Map<string, CompiledMapping>();
    names.set(mapping.name, mapping);
    byAdapter.set(adapter, names);
  }
  const find = (adapter: string, name: string): CompiledMapping | null =>
    byAdapter.get(adapter)?.get(name) ?? byAdapter.get(GENERIC_ADAPTER)?.get(name) ?? null;
  return {
    find,
    get(adapter, name) {
      const found = find(adapter, name);
      if (found) return found;
      const message = `no mapping "${name}" for adapter "${adapter}" (nor in ${GENERIC_ADAPTER}/)`;
      throw new MappingError(message, `${adapter}/${name}.yaml`, [{ path: name, message }]);
    },
    list: () => [...entries],
    adapters: () => [...byAdapter.keys()].sort(),
  };
}

export async function loadMappings(dir: string): Promise<MappingSet> {
  const loaded: { adapter: string; mapping: CompiledMapping }[] = [];
  const broken: { file: string; error: MappingError }[] = [];
  for (const adapter of await subdirectories(dir)) {
    const files = (await readdir(join(dir, adapter), { withFileTypes: true }))
      .filter((e) => e.isFile() && MAPPING_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
    const seen = new Map<string, string>();
    for (const name of files) {
      const file = join(dir, adapter, name);
      try {
        const mapping = compileMappingDocument(await readFile(file, 'utf8'), file);
        const earlier = seen.get(mapping.name);
        if (earlier !== undefined) {
          throw new Error(`mapping "${mapping.name}" is defined twice (also in ${earlier})`);
        }
        seen.set(mapping.name, file);
        loaded.push({ adapter, mapping });
      } catch (err) {
        broken.push({ file, error: toMappingError(err, file) });
      }
    }
  }
  const first = broken[0];
  if (first) {
    if (broken.length === 1) throw first.error;
    const issues: FieldIssue[] = broken.map((b) => ({ path: b.file, message: b.error.message }));
    throw new MappingError(
      `${broken.length} mapping files are broken:\n${broken.map((b) => `  ${b.error.message}`).join('\n')}`,
      first.file,
      issues,
    );
  }
  return createMappingSet(loaded);
}
