/**
 * Builders for what a step leaves behind: result events (outbox rows on `agency.events`),
 * dead letters with their whole story, and the copy of a dead letter on the broker's
 * dead-letter exchange. Result ids are deterministic (same inbound id → same result id), so a
 * recomputed result is the same message to the ERP.
 */
import type { DeadLetter, OutboxRow } from '../../adapters/store/index.ts';
import { buildOutboundEvent, deterministicEventId } from '../contract/index.ts';
import type { FieldIssue } from '../errors.ts';

export interface ResultTarget {
  source: string;
  exchange: string;
  now: Date;
}

export function resultRow(
  target: ResultTarget,
  type: string,
  data: Record<string, unknown>,
  cause: { inboundId: string | null; invoiceNumber: string | null; idParts?: string[] },
): OutboxRow {
  const id = deterministicEventId(
    cause.idParts ?? [target.source, cause.inboundId ?? 'none', type],
  );
  const envelope = buildOutboundEvent({
    source: target.source,
    type,
    data,
    id,
    time: target.now.toISOString(),
    ...(cause.inboundId ? { causationId: cause.inboundId } : {}),
    ...(cause.invoiceNumber ? { invoiceNumber: cause.invoiceNumber } : {}),
  });
  return {
    id,
    exchange: target.exchange,
    routingKey: `${target.source}.${type}`,
    body: JSON.stringify(envelope),
    headers: { 'x-source': target.source, 'x-type': type },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: target.now.toISOString(),
    sentAt: null,
  };
}

/** Action code reported in action.accepted / action.rejected for each inbound type. */
export const ACTION_CODE_BY_TYPE: Record<string, string> = {
  'invoice.payment_received': 'DIRECTPAYMENT',
  'invoice.withdrawn': 'WITHDRAW',
  'invoice.due_date_extended': 'DUEDATE',
  'invoice.paused': 'PAUSE',
  'invoice.objected': 'OBJECTION',
  'invoice.payment_plan_requested': 'PAYMENTPLAN',
  'invoice.comment_added': 'COMMENT',
  'invoice.credited': 'CREDIT',
  'invoice.debt_collection_requested': 'DEBT_COLLECTION',
};

const REASON_MAX = 2_000;

/** Field issues within the contract's caps (100 items, path 300 and message 1,000 characters). */
function capped(errors: FieldIssue[]): { path: string; message: string }[] {
  return errors.slice(0, 100).map((e) => ({
    path: e.path.slice(0, 300),
    message: e.message.length > 1000 ? `${e.message.slice(0, 999)}…` : e.message,
  }));
}

/** The rejected event for a permanently failed inbound event (contract §4). */
export function rejectedRow(
  target: ResultTarget,
  inbound: {
    id: string | null;
    type: string | null;
    invoiceNumber: string | null;
    caseId?: string | null;
  },
  reason: string,
  errors: FieldIssue[],
): OutboxRow | null {
  if (!inbound.type || !inbound.invoiceNumber) return null;
  // The contract caps `reason` at 2,000 characters; an agency's long answer must not make the
  // rejected event itself invalid (the message would then never get a result).
  reason = reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 1)}…` : reason;
  if (inbound.type === 'invoice.created') {
    return resultRow(
      target,
      'invoice.rejected',
      {
        invoiceNumber: inbound.invoiceNumber,
        reason,
        errors: capped(errors),
      },
      { inboundId: inbound.id, invoiceNumber: inbound.invoiceNumber },
    );
  }
  const code = ACTION_CODE_BY_TYPE[inbound.type];
  if (!code) return null;
  return resultRow(
    target,
    'action.rejected',
    {
      invoiceNumber: inbound.invoiceNumber,
      caseId: inbound.caseId ?? null,
      code,
      reason,
      errors: capped(errors),
    },
    { inboundId: inbound.id, invoiceNumber: inbound.invoiceNumber },
  );
}

/** A dead letter's story as the pipeline knows it; id, times and status are derived. */
export type DeadLetterInput = Omit<
  DeadLetter,
  'id' | 'deadAt' | 'status' | 'resolvedBy' | 'resolvedAt' | 'resolution'
> & { now: Date };

export function deadLetter(input: DeadLetterInput): DeadLetter {
  const id = deterministicEventId([
    'dead-letter',
    input.source,
    input.messageId ?? input.original.slice(0, 200),
    input.now.toISOString(),
  ]);
  return {
    id,
    source: input.source,
    messageId: input.messageId,
    type: input.type,
    invoiceNumber: input.invoiceNumber,
    reason: input.reason,
    detail: input.detail.slice(0, 2000),
    errorClass: input.errorClass,
    original: input.original,
    routingKey: input.routingKey,
    mappedRequest: input.mappedRequest ?? null,
    agencyAnswers: input.agencyAnswers,
    attempts: input.attempts,
    firstSeenAt: input.firstSeenAt,
    deadAt: input.now.toISOString(),
    status: 'OPEN',
    resolvedBy: null,
    resolvedAt: null,
    resolution: null,
  };
}

/** The broker-side copy of a dead letter: the original body, the reason in headers. */
export function deadLetterCopyRow(letter: DeadLetter, dlxExchange: string, now: Date): OutboxRow {
  return {
    id: `dlq:${letter.id}`,
    exchange: dlxExchange,
    routingKey: letter.routingKey ?? `${letter.source}.unknown`,
    body: letter.original,
    headers: {
      'x-message-id': letter.messageId ?? `dlq:${letter.id}`,
      'x-dead-letter-id': letter.id,
      'x-dead-letter-reason': letter.reason,
      'x-dead-letter-detail': letter.detail.slice(0, 500),
      'x-error-class': letter.errorClass,
      'x-attempts': letter.attempts,
    },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: now.toISOString(),
    sentAt: null,
  };
}
