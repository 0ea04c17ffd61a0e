/**
 * Builds the CloudEvents envelope of an outbound event for `agency.events`. The envelope
 * `source` is `connector/<source>` (the connector acting for that ERP source); `time` is always
 * set; `subject` and the `invoicenumber` extension carry the invoice number when there is one;
 * `causationid` the inbound id that caused it. Data failing its schema is a connector bug, so
 * this throws a plain Error (never InvalidMessageError, which would blame the ERP).
 */
import { randomUUID } from 'node:crypto';
import { isRfc3339Timestamp } from '../validation/dates.ts';
import { formatPath } from './issues.ts';
import { OUTBOUND_TYPES, outboundSchemas, type OutboundType } from './outbound-schemas.ts';

export interface OutboundEventInput {
  /** The ERP source name (as in config and routing keys). */
  source: string;
  type: string;
  data: unknown;
  /** Defaults to a random UUID; pass `deterministicEventId(...)` for events derived from agency data. */
  id?: string;
  causationId?: string;
  invoiceNumber?: string;
  time: string;
}

export interface OutboundEnvelope {
  specversion: '1.0';
  id: string;
  source: string;
  type: OutboundType;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  causationid?: string;
  invoicenumber?: string;
  data: unknown;
}

export function outboundSource(source: string): string {
  return `connector/${source}`;
}

function isOutboundType(type: string): type is OutboundType {
  return Object.hasOwn(outboundSchemas, type);
}

export function buildOutboundEvent(input: OutboundEventInput): OutboundEnvelope {
  if (!isOutboundType(input.type)) {
    throw new Error(
      `unknown outbound event type "${input.type}"; known: ${OUTBOUND_TYPES.join(', ')}`,
    );
  }
  if (!/^[A-Za-z0-9-]{1,100}$/.test(input.source))
    throw new Error(`invalid source name for ${input.type}`);
  if (!isRfc3339Timestamp(input.time))
    throw new Error(`invalid time for ${input.type}: not RFC 3339`);
  const parsed = outboundSchemas[input.type].safeParse(input.data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${formatPath(i.path) || '(data)'}: ${i.message}`)
      .join('; ');
    throw new Error(`connector bug: ${input.type} data does not match its schema: ${problems}`);
  }
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: outboundSource(input.source),
    type: input.type,
    time: input.time,
    ...(input.invoiceNumber ? { subject: input.invoiceNumber } : {}),
    datacontenttype: 'application/json',
    ...(input.causationId ? { causationid: input.causationId } : {}),
    ...(input.invoiceNumber ? { invoicenumber: input.invoiceNumber } : {}),
    data: parsed.data,
  };
}
