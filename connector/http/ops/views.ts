/**
 * What the ops API and dashboard show, shaped from store rows: lists without message bodies,
 * one dead letter's whole story with personal data masked, query filters parsed and bounded.
 */
import type {
  DeadLetter,
  DeadLetterFilter,
  DebtCollectionTask,
  TaskState,
} from '../../../adapters/store/index.ts';
import { maskPersonal } from '../../ops/mask.ts';
import type { OpsOptions } from './options.ts';
import { personalScrubber } from './scrub-personal.ts';

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

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * The whole story of one dead letter, personal data masked: by key in the message and the mapped
 * request, and by value everywhere else (free text, the detail, the agency's answers).
 */
export function deadLetterStory(d: DeadLetter) {
  const original = parseJson(d.original);
  const scrub = personalScrubber(original.ok ? original.value : null, d.mappedRequest);
  return {
    ...deadLetterItem(d),
    detail: scrub.text(d.detail),
    routingKey: d.routingKey,
    original: original.ok
      ? scrub.deep(maskPersonal(original.value))
      : `(not JSON, ${Buffer.byteLength(d.original, 'utf8')} bytes, hidden)`,
    mappedRequest: scrub.deep(maskPersonal(d.mappedRequest)),
    agencyAnswers: d.agencyAnswers.map((a) => ({ ...a, summary: scrub.text(a.summary) })),
  };
}

/** A debt-collection task with the invoice it may carry (`document`) masked like a message. */
export function taskView(t: DebtCollectionTask): DebtCollectionTask {
  if (t.document === undefined || t.document === null) return t;
  return { ...t, document: personalScrubber(t.document).deep(maskPersonal(t.document)) };
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
