/** docs/asyncapi.yaml against the zod schemas: message names and required fields, and no drift. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inboundDataSchemas, outboundSchemas } from '../../../connector/contract/index.ts';
import { formattedAsyncApiYaml } from '../../../connector/ops/asyncapi.ts';

const text = readFileSync('docs/asyncapi.yaml', 'utf8');
const doc = parse(text);

function required(schema: z.ZodType): string[] {
  const j = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as {
    required?: string[];
  };
  return [...(j.required ?? [])].sort();
}

function check(channel: string, schemas: Record<string, z.ZodType>) {
  type Message = {
    name: string;
    payload: { allOf: [unknown, { properties: { data: { required?: string[] } } }] };
  };
  const messages = Object.values<Message>(doc.channels[channel].messages);
  expect(messages.map((m) => m.name).sort()).toEqual(Object.keys(schemas).sort());
  for (const m of messages) {
    expect([...(m.payload.allOf[1].properties.data.required ?? [])].sort(), m.name).toEqual(
      required(schemas[m.name]!),
    );
  }
}

describe('docs/asyncapi.yaml', () => {
  it('is AsyncAPI 3 with the contract exchanges', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.erpEvents.bindings.amqp.exchange.name).toBe('erp.events');
    expect(doc.channels.agencyEvents.bindings.amqp.exchange.name).toBe('agency.events');
  });
  it('names every inbound and outbound message with its required data fields', () => {
    check('erpEvents', inboundDataSchemas);
    check('agencyEvents', outboundSchemas);
  });
  it('is what the generator writes (run `node connector/ops/asyncapi.ts`)', async () => {
    expect(text).toBe(await formattedAsyncApiYaml());
  });
});
