/**
 * `invoice.debt_collection_requested` (contract §6): creates the persisted debt-collection task
 * for the invoice, PENDING_APPROVAL or (with `debtCollection.autoApprove`) APPROVED, and tells
 * the ERP (`debt_collection.<state>`). A second request for an invoice with a live task answers
 * with that task. The scheduler that sends approved tasks to the agency lives beside this file.
 */
import type { DebtCollectionTask, TaskState } from '../../adapters/store/index.ts';
import type { StepContext, StepResult } from '../pipeline/apply-event.ts';
import { resultRow } from '../pipeline/results.ts';

export function taskId(source: string, invoiceNumber: string): string {
  return `dc-${source}-${invoiceNumber}`;
}

export function stateEventType(state: TaskState): string {
  return `debt_collection.${state.toLowerCase()}`;
}

export function newTask(
  ctx: StepContext,
  dueDate: string | null,
  creditInvoice: boolean,
  more: { daysLimit?: number | null; document?: unknown } = {},
): DebtCollectionTask {
  const now = ctx.target.now.toISOString();
  const settings = ctx.sourceConfig.debtCollection;
  const state: TaskState = settings.autoApprove ? 'APPROVED' : 'PENDING_APPROVAL';
  return {
    id: taskId(ctx.source, ctx.invoiceNumber),
    source: ctx.source,
    invoiceNumber: ctx.invoiceNumber,
    state,
    reason: null,
    creditInvoice,
    daysLimit: more.daysLimit ?? settings.daysLimit,
    dueDate,
    requestedAt: now,
    sentAt: null,
    lastCheckedAt: null,
    result: null,
    transitions: [
      {
        at: now,
        from: null,
        to: state,
        cause: settings.autoApprove ? 'requested (auto-approved)' : 'requested',
      },
    ],
    document: more.document ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

export interface TaskStore {
  getTaskByInvoice(source: string, invoiceNumber: string): Promise<DebtCollectionTask | null>;
}

/** Returns the step result for a debt-collection request, or null for other event types. */
export async function applyDebtCollectionRequest(
  store: TaskStore,
  ctx: StepContext,
): Promise<StepResult | null> {
  if (ctx.event.type !== 'invoice.debt_collection_requested') return null;
  const data = ctx.event.data as {
    dueDate?: unknown;
    debtCollectionDueDate?: unknown;
    creditInvoice?: unknown;
    daysLimit?: unknown;
    invoice?: unknown;
  };
  const dueDate =
    typeof data.dueDate === 'string'
      ? data.dueDate
      : typeof data.debtCollectionDueDate === 'string'
        ? data.debtCollectionDueDate
        : null;
  const existing = await store.getTaskByInvoice(ctx.source, ctx.invoiceNumber);
  const live = existing && existing.state !== 'CANCELLED' && existing.state !== 'COLLECTED';
  const task = live
    ? existing
    : newTask(
        ctx,
        dueDate,
        typeof data.creditInvoice === 'boolean'
          ? data.creditInvoice
          : ctx.sourceConfig.debtCollection.creditInvoice,
        {
          daysLimit: typeof data.daysLimit === 'number' ? data.daysLimit : null,
          document: data.invoice ?? null,
        },
      );
  const result = resultRow(
    ctx.target,
    stateEventType(task.state),
    {
      invoiceNumber: ctx.invoiceNumber,
      requestId: task.id,
      state: task.state,
      at: task.updatedAt,
    },
    { inboundId: ctx.envelope.id, invoiceNumber: ctx.invoiceNumber },
  );
  return {
    kind: 'done',
    outcome: live ? `task already ${task.state}` : `task ${task.state}`,
    invoice: null,
    results: [result],
    ...(live ? {} : { extra: { tasks: [task] } }),
  };
}
