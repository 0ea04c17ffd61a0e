/**
 * The ERP's word on a running debt-collection task (Atomia `InvoicePaidInternally` and
 * `CancelDebtCollection`, as the internal events `debt_collection.paid_internally` and
 * `debt_collection.cancel_requested`). A task the agency has not been sent is cancelled here;
 * a SENT task is withdrawn at the agency first (DIRECTPAYMENT when part of the money was paid,
 * then WITHDRAW, through the mapping files of the same name), and cancelled in the same commit.
 */
import type { DebtCollectionTask, TaskState } from '../../adapters/store/index.ts';
import { InvalidMessageError } from '../errors.ts';
import type { StepContext, StepResult } from '../pipeline/apply-event.ts';
import { resultRow } from '../pipeline/results.ts';
import { stateEventType } from './request-task.ts';

const TASK_EVENTS = new Set([
  'debt_collection.paid_internally',
  'debt_collection.cancel_requested',
]);

export interface TaskLookup {
  getTask(id: string): Promise<DebtCollectionTask | null>;
}

export function isTaskEvent(type: string): boolean {
  return TASK_EVENTS.has(type);
}

export function transition(
  task: DebtCollectionTask,
  to: TaskState,
  cause: string,
  reason: string | null,
  at: string,
): DebtCollectionTask {
  return {
    ...task,
    state: to,
    reason,
    transitions: [...task.transitions, { at, from: task.state, to, cause }],
    updatedAt: at,
  };
}

function taskResult(ctx: StepContext, task: DebtCollectionTask) {
  return resultRow(
    ctx.target,
    stateEventType(task.state),
    {
      invoiceNumber: task.invoiceNumber,
      requestId: task.id,
      state: task.state,
      ...(task.reason ? { reason: task.reason } : {}),
      at: task.updatedAt,
    },
    { inboundId: ctx.envelope.id, invoiceNumber: task.invoiceNumber },
  );
}

export async function applyTaskEvent(
  store: TaskLookup,
  ctx: StepContext,
  withdrawAtAgency: () => Promise<StepResult>,
): Promise<StepResult | null> {
  if (!isTaskEvent(ctx.event.type)) return null;
  const data = ctx.event.data as { requestId: string; reason?: string };
  const task = await store.getTask(data.requestId);
  if (!task || task.source !== ctx.source || task.invoiceNumber !== ctx.invoiceNumber) {
    throw new InvalidMessageError('unknown debt-collection request', [
      { path: 'data.requestId', message: 'no task with this RequestId for this invoice' },
    ]);
  }
  if (task.state === 'CANCELLED' || task.state === 'COLLECTED') {
    return {
      kind: 'done',
      outcome: `task already ${task.state}`,
      invoice: null,
      results: [taskResult(ctx, task)],
    };
  }
  const reason =
    ctx.event.type === 'debt_collection.paid_internally'
      ? 'PAID_IN_ERP'
      : (data.reason ?? 'MANUAL');
  const at = ctx.target.now.toISOString();
  if (task.state !== 'SENT') {
    const cancelled = transition(task, 'CANCELLED', `${reason} before it was sent`, reason, at);
    return {
      kind: 'done',
      outcome: `task cancelled (${reason})`,
      invoice: null,
      results: [taskResult(ctx, cancelled)],
      extra: { tasks: [cancelled] },
    };
  }
  const withdrawn = await withdrawAtAgency();
  if (withdrawn.kind !== 'done') return withdrawn;
  const cancelled = transition(task, 'CANCELLED', `${reason}: withdrawn at the agency`, reason, at);
  return {
    ...withdrawn,
    outcome: `withdrawn, task cancelled (${reason})`,
    results: [...withdrawn.results, taskResult(ctx, cancelled)],
    extra: { ...(withdrawn.extra ?? {}), tasks: [cancelled] },
  };
}
