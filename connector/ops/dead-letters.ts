/**
 * Operator actions on dead letters. A replay goes through the same inbox and idempotency path as
 * any delivery (RELIABILITY.md §6.4): one commit writes an outbox row that re-publishes the
 * original body to the source's inbound queue (default exchange, `x-original-routing-key`, the
 * original message id), marks the dead letter REPLAYED, resets the inbox entry so the pipeline
 * does not take the message for a duplicate, and records the audit entry; then the row is
 * published. A money action that ended in manual review is reset to UNKNOWN, never PENDING, so
 * the pipeline reconciles with the agency before anything is sent again.
 */
import type { DeadLetter, InboxEntry, OutboxRow, Store } from '../../adapters/store/index.ts';
import { auditEntry, OpsActionError } from './audit.ts';

export interface DeadLetterActionsOptions {
  store: Store;
  relay: { publishRows(rows: OutboxRow[]): Promise<boolean> };
  /** The inbound queue of a configured source; null for a source no longer configured. */
  inboundQueue(source: string): string | null;
  now?: () => Date;
}

export interface ReplayResult {
  deadLetterId: string;
  outboxId: string;
  /** False when the broker did not confirm yet: the outbox sweep publishes it later. */
  published: boolean;
}

function resetInbox(entry: InboxEntry, actor: string, nowIso: string): InboxEntry {
  const state =
    entry.state === 'MANUAL_REVIEW' || entry.state === 'UNKNOWN' ? 'UNKNOWN' : 'PENDING';
  return { ...entry, state, outcome: `replay requested by ${actor}`, updatedAt: nowIso };
}

export function createDeadLetterActions(options: DeadLetterActionsOptions) {
  const { store } = options;
  const now = options.now ?? (() => new Date());

  async function open(id: string): Promise<DeadLetter> {
    const letter = await store.getDeadLetter(id);
    if (!letter) throw new OpsActionError('not_found', 'no such dead letter');
    if (letter.status !== 'OPEN') {
      throw new OpsActionError('conflict', `dead letter is already ${letter.status}`);
    }
    return letter;
  }

  async function replay(id: string, actor: string): Promise<ReplayResult> {
    const letter = await open(id);
    const queue = options.inboundQueue(letter.source);
    if (!queue) throw new OpsActionError('conflict', 'its source is no longer configured');
    if (!letter.messageId || letter.original.startsWith('(')) {
      throw new OpsActionError(
        'conflict',
        'the message has no id or its body was not kept: it cannot be replayed, fix it at the ERP',
      );
    }
    const at = now();
    const nowIso = at.toISOString();
    const row: OutboxRow = {
      id: `replay:${letter.id}:${at.getTime()}`,
      exchange: '',
      routingKey: queue,
      body: letter.original,
      headers: {
        'x-message-id': letter.messageId,
        'x-original-routing-key':
          letter.routingKey ?? `${letter.source}.${letter.type ?? 'unknown'}`,
        'x-replayed-from': letter.id,
      },
      state: 'PENDING',
      attempts: 0,
      lastError: null,
      createdAt: nowIso,
      sentAt: null,
    };
    const entry = await store.getInbox(letter.source, letter.messageId);
    await store.commit({
      outbox: [row],
      deadLetters: [
        {
          ...letter,
          status: 'REPLAYED',
          resolvedBy: actor,
          resolvedAt: nowIso,
          resolution: 'replayed',
        },
      ],
      ...(entry ? { inbox: [resetInbox(entry, actor, nowIso)] } : {}),
      audit: [
        auditEntry({
          actor,
          action: 'dead-letter.replay',
          target: letter.id,
          detail: `message ${letter.messageId} (${letter.type ?? 'unknown type'}) re-published to its inbound queue`,
          now: at,
        }),
      ],
    });
    const published = await options.relay.publishRows([row]).catch(() => false);
    return { deadLetterId: letter.id, outboxId: row.id, published };
  }

  async function discard(id: string, actor: string, reason: string): Promise<void> {
    const why = reason.trim();
    if (why.length === 0) throw new OpsActionError('invalid', 'a reason is required');
    const letter = await open(id);
    const at = now();
    await store.commit({
      deadLetters: [
        {
          ...letter,
          status: 'DISCARDED',
          resolvedBy: actor,
          resolvedAt: at.toISOString(),
          resolution: why.slice(0, 500),
        },
      ],
      audit: [
        auditEntry({
          actor,
          action: 'dead-letter.discard',
          target: letter.id,
          detail: `discarded: ${why}`,
          now: at,
        }),
      ],
    });
  }

  return { replay, discard };
}

export type DeadLetterActions = ReturnType<typeof createDeadLetterActions>;
