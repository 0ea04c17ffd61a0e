/**
 * Runs mappings for the pipeline and the pollers. An inbound mapping gives
 * `{ "request": "createInvoice" | "createActions", "body": {…} }`; the body is checked against the
 * agency request schema (validators injected: they live in adapters/agency) and every action's
 * comment must end with the `[erp:<event id>]` marker. A failure is a `MappingError` naming the
 * mapping file and every field path — never a silently smaller request. An outbound mapping
 * gives the `data` of the outbound event (or null: no event); the caller validates it.
 */
import type { CreateActionsRequest, CreateInvoiceRequest } from '../../adapters/agency/index.ts';
import type { CompiledMapping } from '../../mappings/lib/index.ts';
import { MappingError, type FieldIssue } from '../errors.ts';
import {
  erpMarker,
  type MappedRequest,
  type MappingInput,
  type MappingPort,
} from '../pipeline/mapping-port.ts';
import { toMappingError, type MappingSet } from './loader.ts';

/** The shape of `validateCreateInvoiceRequest` / `validateCreateActionsRequest` answers. */
export type RequestValidation<T> =
  { ok: true; value: T } | { ok: false; errors: { field: string; message: string }[] };

export interface RequestValidators {
  createInvoice(body: unknown): RequestValidation<CreateInvoiceRequest>;
  createActions(body: unknown): RequestValidation<CreateActionsRequest>;
}

export interface MappingRunnerOptions {
  mappings: MappingSet;
  /** The agency request schema. `null` only in the golden-case runner when none is wired. */
  validators: RequestValidators | null;
}

export interface MappingRunner extends MappingPort {
  /** Builds the `data` of an outbound event; null when the mapping decides there is no event. */
  mapOutbound(
    adapter: string,
    type: string,
    input: unknown,
  ): Promise<Record<string, unknown> | null>;
  /** The mapping that `map`/`mapOutbound` would use (adapter's own, else generic). */
  mappingFor(adapter: string, name: string): CompiledMapping;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(file: string, message: string, issues: FieldIssue[]): never {
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new MappingError(`${file}: ${message}${detail ? ` (${detail})` : ''}`, file, issues);
}

async function evaluate(mapping: CompiledMapping, input: unknown): Promise<unknown> {
  try {
    return await mapping.evaluate(input);
  } catch (err) {
    throw toMappingError(err, mapping.file);
  }
}

/** Checks that every action comment ends with the event's marker. */
function checkMarkers(file: string, body: CreateActionsRequest, eventId: unknown): void {
  if (typeof eventId !== 'string') return;
  const marker = ` ${erpMarker(eventId)}`;
  const issues: FieldIssue[] = [];
  body.actions.forEach((action, i) => {
    if (!action.comment.endsWith(marker) && action.comment !== erpMarker(eventId)) {
      issues.push({
        path: `actions[${i}].comment`,
        message: `must end with "${marker}" ($actionComment)`,
      });
    }
  });
  if (issues.length > 0) fail(file, 'action comments lack the event marker', issues);
}

export function createMappingRunner(options: MappingRunnerOptions): MappingRunner {
  const { mappings, validators } = options;

  function check(file: string, request: 'createInvoice' | 'createActions', body: unknown): unknown {
    if (validators === null) return body;
    const result = validators[request](body);
    if (result.ok) return result.value;
    fail(
      file,
      `the ${request} request fails the agency request schema`,
      result.errors.map((e) => ({ path: e.field || '(body)', message: e.message })),
    );
  }

  return {
    mappingFor: (adapter, name) => mappings.get(adapter, name),

    async map(adapter: string, type: string, input: MappingInput): Promise<MappedRequest> {
      const mapping = mappings.get(adapter, type);
      const { file, output } = mapping;
      if (output.kind !== 'agency')
        fail(file, `is an outbound mapping (${output.type}), not a request mapping`, []);
      const result = await evaluate(mapping, input);
      if (!isRecord(result)) {
        fail(file, 'must give { "request": …, "body": {…} }', [
          { path: '(result)', message: 'not an object' },
        ]);
      }
      const extra = Object.keys(result).filter((k) => k !== 'request' && k !== 'body');
      if (extra.length > 0) {
        fail(
          file,
          'gives unknown keys beside request and body',
          extra.map((k) => ({ path: k, message: 'unknown key' })),
        );
      }
      const request = result.request;
      if (request !== 'createInvoice' && request !== 'createActions') {
        fail(file, 'gives no known request', [
          { path: 'request', message: 'must be createInvoice or createActions' },
        ]);
      }
      if (!output.requests.includes(request)) {
        fail(
          file,
          `gives ${request}, which its output (${output.requests.join(', ')}) does not allow`,
          [{ path: 'request', message: `must be one of: ${output.requests.join(', ')}` }],
        );
      }
      const body = check(file, request, result.body);
      if (request === 'createActions') {
        checkMarkers(
          file,
          body as CreateActionsRequest,
          (input as { event?: { id?: unknown } }).event?.id,
        );
        return { request, body: body as CreateActionsRequest, file };
      }
      return { request, body: body as CreateInvoiceRequest, file };
    },

    async mapOutbound(adapter, type, input) {
      const mapping = mappings.get(adapter, type);
      const { file, output } = mapping;
      if (output.kind !== 'outbound' || output.type !== type) {
        fail(file, `is not the outbound mapping of ${type}`, []);
      }
      const result = await evaluate(mapping, input);
      if (result === undefined || result === null) return null;
      if (!isRecord(result)) {
        fail(file, 'must give the event data object (or null for no event)', [
          { path: '(result)', message: 'not an object' },
        ]);
      }
      return result;
    },
  };
}
