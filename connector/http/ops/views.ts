/**
 * What the ops API and dashboard show, shaped from store rows: lists without message bodies,
 * one dead letter's whole story with personal data masked, query filters parsed and bounded.
 */
import type { DeadLetter, DeadLetterFilter, TaskState } from '../../../adapters/store/index.ts';
import { maskPersonal } from '../../ops/mask.ts';
import type { OpsOptions } from './options.ts';

const TASK_STATES: TaskState[] = ['PENDING_APPROVAL', 'APPROVED', 'SENT', 'COLLECTED', 'CANCELLED'];
const DL_STATUSES = ['OPEN', 'REPLAYED', 'DISCARDED'] as const;

export function deadLetterItem(d: DeadLetter) {
  return {
    id: d.id,
    source: d.source,
    type: d.type,
    messageId: d.messageId,
    invoiceNumber: d.invoiceNumber,
    reason: d.reason,
    errorClass: d.errorClass,
    attempts: d.attempts,
    firstSeenAt: d.firstSeenAt,
    deadAt: d.deadAt,
    status: d.status,
    resolvedBy: d.resolvedBy,
    resolvedAt: d.resolvedAt,
    resolution: d.resolution,
  };
}

function parseOriginal(text: string): unknown {
  try {
    return maskPersonal(JSON.parse(text));
  } catch {
    return `(not JSON, ${Buffer.byteLength(text, 'utf8')} bytes, hidden)`;
  }
}

/** The whole story of one dead letter, personal data masked. */
export function deadLetterStory(d: DeadLetter) {
  return {
    ...deadLetterItem(d),
    detail: d.detail,
    routingKey: d.routingKey,
    original: parseOriginal(d.original),
    mappedRequest: maskPersonal(d.mappedRequest),
    agencyAnswers: d.agencyAnswers,
  };
}

const text = (v: string | undefined, max = 100) =>
  v && v.length <= max && /^[\w.:@-]+$/.test(v) ? v : undefined;
const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function deadLetterFilter(q: Record<string, string | undefined>): DeadLetterFilter {
  const status = DL_STATUSES.find((s) => s === q.status);
  const from = day(q.from);
  const to = day(q.to);
  const limit = Math.min(Math.max(Number(q.limit) || 50, 1), 200);
  const offset = Math.max(Number(q.offset) || 0, 0);
  const filter: DeadLetterFilter = {
    limit,
    offset,
    status: q.status === 'ALL' ? undefined : (status ?? 'OPEN'),
  };
  const source = text(q.source);
  const type = text(q.type);
  const reason = text(q.reason);
  if (source) filter.source = source;
  if (type) filter.type = type;
  if (reason) filter.reason = reason;
  if (from) filter.from = `${from}T00:00:00.000Z`;
  if (to) filter.to = `${to}T23:59:59.999Z`;
  if (filter.status === undefined) delete filter.status;
  return filter;
}

export function taskState(v: string | undefined): TaskState | undefined {
  return TASK_STATES.find((s) => s === v);
}

/** Health, counts, limiter, queue depths, pollers and the last hour's throughput. */
export async function summary(o: OpsOptions) {
  const [health, counts, queues] = await Promise.all([
    o.health().catch(() => ({ ready: false, checks: { readiness: 'check failed' } })),
    o.store.counts(),
    o.queues ? o.queues().catch(() => null) : Promise.resolve(null),
  ]);
  return {
    health,
    counts,
    limiter: o.limiter ? o.limiter() : null,
    queues,
    pollers: o.pollers ? o.pollers.status() : [],
    throughput: o.throughput ? o.throughput() : [],
  };
}

export type Summary = Awaited<ReturnType<typeof summary>>;
