import { describe, expect, it } from 'vitest';
import {
  validateCreateActionsRequest,
  validateCreateInvoiceRequest,
} from '../../../adapters/agency/request-schema.ts';
import { MappingError } from '../../../connector/errors.ts';
import { createMappingSet } from '../../../connector/mapping/loader.ts';
import { createMappingRunner } from '../../../connector/mapping/runner.ts';
import { erpMarker as pipelineMarker } from '../../../connector/pipeline/mapping-port.ts';
import { compileMappingDocument } from '../../../mappings/lib/index.ts';
import { erpMarker } from '../../../mappings/lib/text.ts';

const validators = {
  createInvoice: validateCreateInvoiceRequest,
  createActions: validateCreateActionsRequest,
};

function runnerWith(files: Record<string, string>) {
  const entries = Object.entries(files).map(([name, text]) => ({
    adapter: 'generic',
    mapping: compileMappingDocument(text, `mappings/generic/${name}.yaml`),
  }));
  return createMappingRunner({ mappings: createMappingSet(entries), validators });
}

const input = (data: Record<string, unknown>) => ({
  event: { id: 'ev-1', type: 'invoice.paused', time: null, subject: null, data },
  source: { name: 'acme' },
  invoice: null,
});

const action = (comment: string, data: string) => `description: d
output: createActions
expression: |
  { "request": "createActions", "body": { "actions": [{ "code": "PAUSE", "comment": ${comment}, "data": ${data} }] } }
`;

async function mapError(promise: Promise<unknown>): Promise<MappingError> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MappingError);
  return err as MappingError;
}

describe('createMappingRunner', () => {
  it('keeps the mapping marker identical to the pipeline marker', () => {
    expect(erpMarker('abc')).toBe(pipelineMarker('abc'));
  });

  it('returns a validated request with its file', async () => {
    const runner = runnerWith({
      'invoice.paused': action(
        '$actionComment("Paused", event.id)',
        '{ "invoiceNumber": 100234, "caseId": 481920 }',
      ),
    });
    const mapped = await runner.map('atomia', 'invoice.paused', input({}));
    expect(mapped).toEqual({
      request: 'createActions',
      file: 'mappings/generic/invoice.paused.yaml',
      body: {
        actions: [
          {
            code: 'PAUSE',
            comment: 'Paused [erp:ev-1]',
            data: { invoiceNumber: 100234, caseId: 481920 },
          },
        ],
      },
    });
  });

  it('names the file and every failing field path (never a smaller request)', async () => {
    const runner = runnerWith({
      'invoice.paused': action(
        '$actionComment("Paused", event.id)',
        '{ "invoiceNumber": missing, "caseId": -1, "colour": "red" }',
      ),
    });
    const err = await mapError(runner.map('generic', 'invoice.paused', input({})));
    expect(err.file).toBe('mappings/generic/invoice.paused.yaml');
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'actions[0].data.caseId',
      'actions[0].data.colour',
      'actions[0].data.invoiceNumber',
    ]);
    expect(err.message).toMatch(
      /^mappings\/generic\/invoice\.paused\.yaml: the createActions request fails the agency request schema/,
    );
    expect(err.message).toContain('actions[0].data.invoiceNumber: required');
  });

  it('requires the event marker at the end of every action comment', async () => {
    const runner = runnerWith({
      'invoice.paused': action('"Paused [erp:other]"', '{ "invoiceNumber": 1, "caseId": 2 }'),
    });
    const err = await mapError(runner.map('generic', 'invoice.paused', input({})));
    expect(err.issues).toEqual([
      { path: 'actions[0].comment', message: expect.stringContaining('[erp:ev-1]') as string },
    ]);
  });

  it('refuses a request the output does not allow, and unknown result keys', async () => {
    const runner = runnerWith({
      'invoice.paused':
        'description: d\noutput: createInvoice\nexpression: \'{ "request": "createActions", "body": {} }\'\n',
      'invoice.objected':
        'description: d\noutput: createActions\nexpression: \'{ "request": "createActions", "body": {}, "extra": 1 }\'\n',
      'case.updated': 'description: d\noutput: outbound:case.updated\nexpression: \'{ "a": 1 }\'\n',
    });
    expect((await mapError(runner.map('generic', 'invoice.paused', input({})))).message).toMatch(
      /does not allow/,
    );
    expect((await mapError(runner.map('generic', 'invoice.objected', input({})))).issues).toEqual([
      { path: 'extra', message: 'unknown key' },
    ]);
    expect((await mapError(runner.map('generic', 'case.updated', input({})))).message).toMatch(
      /is an outbound mapping/,
    );
  });

  it('wraps evaluation errors in MappingError with file and line', async () => {
    const runner = runnerWith({
      'invoice.paused': 'description: d\noutput: createActions\nexpression: |\n  $int("12a")\n',
    });
    const err = await mapError(runner.map('generic', 'invoice.paused', input({})));
    expect(err.message).toMatch(
      /^mappings\/generic\/invoice\.paused\.yaml:4: evaluation failed: \$int/,
    );
  });

  it('maps outbound data, null meaning no event', async () => {
    const runner = runnerWith({
      'distribution.updated':
        'description: d\noutput: outbound:distribution.updated\nexpression: |\n  status = "SKIPPED" ? null : { "status": status }\n',
    });
    expect(
      await runner.mapOutbound('generic', 'distribution.updated', { status: 'DELIVERED' }),
    ).toEqual({ status: 'DELIVERED' });
    expect(
      await runner.mapOutbound('generic', 'distribution.updated', { status: 'SKIPPED' }),
    ).toBeNull();
  });
});
