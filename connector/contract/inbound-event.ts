/**
 * Validates an envelope's `data` against its type (contract §3) and returns the typed event.
 * Also checks that a `subject`, when given, is the event's invoice number (contract §2).
 */
import type { z } from 'zod';
import type { Envelope } from './envelope.ts';
import {
  INBOUND_TYPES,
  inboundDataSchemas,
  internalDataSchemas,
  type InboundEvent,
  type InboundType,
  type InternalInboundType,
  type PublicInboundType,
} from './inbound-schemas.ts';
import { invalid, invalidFromZod } from './issues.ts';

function isPublicType(type: string): type is PublicInboundType {
  return Object.hasOwn(inboundDataSchemas, type);
}

function validate(
  type: InboundType,
  schema: z.ZodType,
  envelope: Pick<Envelope, 'data' | 'subject'>,
): InboundEvent {
  const parsed = schema.safeParse(envelope.data);
  if (!parsed.success) throw invalidFromZod(`invalid ${type} data`, parsed.error, 'data');
  const data = parsed.data as { invoiceNumber?: string };
  if (
    envelope.subject !== undefined &&
    data.invoiceNumber !== undefined &&
    envelope.subject !== data.invoiceNumber
  ) {
    throw invalid(
      'subject',
      'must equal data.invoiceNumber (the subject is the invoice the event is about)',
    );
  }
  return { type, data } as InboundEvent;
}

/** The public inbound event of an envelope; an unknown type names the accepted ones. */
export function parseInboundEvent(
  envelope: Pick<Envelope, 'type' | 'data' | 'subject'>,
): InboundEvent {
  if (!isPublicType(envelope.type)) {
    throw invalid(
      'type',
      `unknown event type "${envelope.type.slice(0, 100)}"; accepted: ${INBOUND_TYPES.join(', ')}`,
    );
  }
  return validate(envelope.type, inboundDataSchemas[envelope.type], envelope);
}

/** An internal inbound event (atomia adapter only): same checks, internal schemas. */
export function parseInternalEvent(
  type: InternalInboundType,
  data: unknown,
  subject?: string,
): InboundEvent {
  return validate(type, internalDataSchemas[type], { data, subject });
}

/** Validates contract `data` for a public type built by an adapter (no subject check). */
export function parsePublicEventData(type: PublicInboundType, data: unknown): InboundEvent {
  return validate(type, inboundDataSchemas[type], { data, subject: undefined });
}
