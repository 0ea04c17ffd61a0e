/**
 * Per-invoice order through the parked table. An event waits in `parked` (its message body kept)
 * while its invoice is unknown to the agency, or while it waits for a retry; a later event for
 * the same invoice parks behind it. When the head of an invoice's line finishes, the next one
 * is released: re-published to its inbound queue through the outbox, in arrival order.
 */
import type { OutboxRow, ParkedEvent } from '../../adapters/store/index.ts';

export const RETRYING = 'retrying';

export interface ParkRowInput {
  source: string;
  invoiceNumber: string;
  messageId: string;
  type: string;
  body: string;
  routingKey: string;
  reason: string;
  now: Date;
}

export function parkedId(source: string, messageId: string): string {
  return `${source}:${messageId}`;
}

export function parkRow(input: ParkRowInput): ParkedEvent {
  return {
    id: parkedId(input.source, input.messageId),
    source: input.source,
    invoiceNumber: input.invoiceNumber,
    messageId: input.messageId,
    type: input.type,
    body: input.body,
    routingKey: input.routingKey,
    reason: input.reason,
    parkedAt: input.now.toISOString(),
  };
}

/** Re-publishes a parked event to its inbound queue (default exchange, queue name as key). */
export function releaseRow(parked: ParkedEvent, inboundQueue: string, now: Date): OutboxRow {
  return {
    id: `release:${parked.id}:${now.getTime()}`,
    exchange: '',
    routingKey: inboundQueue,
    body: parked.body,
    headers: {
      'x-message-id': parked.messageId,
      'x-original-routing-key': parked.routingKey,
      'x-released-from-park': now.toISOString(),
    },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: now.toISOString(),
    sentAt: null,
  };
}

/**
 * The release that follows when `finishedMessageId` leaves the line: the next parked event,
 * unless it is waiting for a retry (its delay queue brings it back by itself).
 */
export function nextRelease(
  line: ParkedEvent[],
  finishedMessageId: string,
  inboundQueue: string,
  now: Date,
): OutboxRow[] {
  const next = line.find((p) => p.messageId !== finishedMessageId);
  if (!next || next.reason.startsWith(RETRYING)) return [];
  return [releaseRow(next, inboundQueue, now)];
}
