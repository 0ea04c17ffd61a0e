/**
 * Status checks of SENT tasks, each at most every `debtCollection.statusCheckMinutes`:
 * - past `daysLimit` days since it was sent (0 = never) → WITHDRAW at the agency (the
 *   `debt_collection.cancel_requested` mapping), CANCELLED (DAYS_LIMIT);
 * - the case read (`caseVerdict`): collected → COLLECTED with amounts, document id, payment date
 *   and credited; closed at the agency otherwise → CANCELLED; else only `lastCheckedAt` moves.
 * A WITHDRAW whose answer was lost is found again by its `[erp:<id>]` marker in the case events
 * before it is sent again.
 */
import type { CaseDetails } from '../../adapters/agency/index.ts';
import type { DebtCollectionTask, InvoiceRecord, OutboxRow } from '../../adapters/store/index.ts';
import { erpMarker } from '../pipeline/mapping-port.ts';
import { caseVerdict } from './collected.ts';
import { collectedRow, taskRow } from './task-rows.ts';
import { isAgencyErrorKind, type TaskRunSummary, type TaskServiceOptions } from './task-deps.ts';
import { transition } from './task-events.ts';

const DAY_MS = 86_400_000;

export function withdrawEventId(task: DebtCollectionTask, reason: string): string {
  return `${task.id}:withdraw:${reason}`;
}

async function readCase(
  options: TaskServiceOptions,
  invoice: InvoiceRecord | null,
  task: DebtCollectionTask,
  summary: TaskRunSummary,
): Promise<CaseDetails | null> {
  summary.calls += 1;
  try {
    return await options.agency.getCase(
      invoice?.caseId ? { caseId: invoice.caseId } : { invoiceNumber: task.invoiceNumber },
      { priority: 'poll' },
    );
  } catch (err) {
    if (isAgencyErrorKind(err, 'not_found')) return null;
    throw err;
  }
}

export async function checkSent(
  options: TaskServiceOptions,
  summary: TaskRunSummary,
): Promise<OutboxRow[]> {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const published: OutboxRow[] = [];
  for (const task of await store.listTasks({ state: 'SENT' })) {
    if (options.signal?.aborted) break;
    const sourceConfig = config.sources[task.source];
    if (!sourceConfig) continue;
    const at = now();
    const atIso = at.toISOString();
    const checkEveryMs = sourceConfig.debtCollection.statusCheckMinutes * 60_000;
    if (task.lastCheckedAt && Date.parse(task.lastCheckedAt) + checkEveryMs > at.getTime())
      continue;
    try {
      const invoice = await store.getInvoice(task.source, task.invoiceNumber);
      const found = await readCase(options, invoice, task, summary);
      summary.checked += 1;
      const learned =
        invoice && found && !invoice.caseId
          ? [{ ...invoice, caseId: found.caseId, updatedAt: atIso }]
          : [];
      const checked = { ...task, lastCheckedAt: atIso };
      const overDays =
        task.daysLimit > 0 &&
        task.sentAt !== null &&
        Date.parse(task.sentAt) + task.daysLimit * DAY_MS <= at.getTime();
      const verdict = found ? caseVerdict(task, found) : { kind: 'open' as const };
      let next: DebtCollectionTask = checked;
      const rows: OutboxRow[] = [];
      if (verdict.kind === 'collected') {
        next = transition(checked, 'COLLECTED', 'collected by the agency and settled', null, atIso);
        rows.push(collectedRow(config, at, next, found?.currency ?? invoice?.currency ?? null));
        summary.collected += 1;
      } else if (verdict.kind === 'cancelled') {
        next = transition(
          checked,
          'CANCELLED',
          `case ${found?.status ?? ''} at the agency`,
          verdict.reason,
          atIso,
        );
        rows.push(taskRow(config, at, next));
        summary.cancelled += 1;
      } else if (overDays && found && verdict.kind === 'open') {
        await withdraw(options, task, invoice, found, 'DAYS_LIMIT', summary);
        next = transition(
          checked,
          'CANCELLED',
          `not collected within ${task.daysLimit} days: withdrawn`,
          'DAYS_LIMIT',
          atIso,
        );
        rows.push(taskRow(config, at, next));
        summary.cancelled += 1;
      }
      await store.commit({ tasks: [next], outbox: rows, invoices: learned });
      published.push(...rows);
    } catch (err) {
      summary.failed += 1;
      options.logger.warn({ err, taskId: task.id }, 'debt-collection status check failed');
    }
  }
  return published;
}

async function withdraw(
  options: TaskServiceOptions,
  task: DebtCollectionTask,
  invoice: InvoiceRecord | null,
  found: CaseDetails,
  reason: 'DAYS_LIMIT' | 'MANUAL',
  summary: TaskRunSummary,
): Promise<void> {
  const eventId = withdrawEventId(task, reason);
  if (found.events.some((e) => e.comment?.includes(erpMarker(eventId)))) return;
  const sourceConfig = options.config.sources[task.source];
  if (!sourceConfig) throw new Error(`unknown source ${task.source}`);
  const mapped = await options.mapper.map(
    sourceConfig.adapter,
    'debt_collection.cancel_requested',
    {
      event: {
        id: eventId,
        type: 'debt_collection.cancel_requested',
        time: (options.now ?? (() => new Date()))().toISOString(),
        subject: task.invoiceNumber,
        data: { invoiceNumber: task.invoiceNumber, requestId: task.id, reason },
      },
      source: { name: task.source, ...sourceConfig },
      invoice: invoice ? { ...invoice, caseId: invoice.caseId ?? found.caseId } : null,
    },
  );
  if (mapped.request !== 'createActions') throw new Error(`${mapped.file}: not an action`);
  summary.calls += 1;
  await options.agency.createActions(mapped.body, { priority: 'money' });
}

export { withdraw as withdrawTask };
