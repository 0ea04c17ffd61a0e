/**
 * The pipeline's MappingPort from the mapping files: loads and compiles every file under `dir`
 * (a broken file stops start-up with its file and line) and checks every mapped request with the
 * injected agency request validators (`validateCreateInvoiceRequest`,
 * `validateCreateActionsRequest` of adapters/agency).
 */
import { loadMappings } from './loader.ts';
import { createMappingRunner, type MappingRunner, type RequestValidators } from './runner.ts';

export interface MappingPortOptions {
  validators: RequestValidators;
}

export async function createMappingPort(
  dir: string,
  options: MappingPortOptions,
): Promise<MappingRunner> {
  const mappings = await loadMappings(dir);
  return createMappingRunner({ mappings, validators: options.validators });
}
