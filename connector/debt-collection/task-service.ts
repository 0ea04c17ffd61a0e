/**
 * The debt-collection task service (contract §6): the scheduler run (`runOnce`: send approved
 * tasks, then check sent ones) and the operators' approval functions the ops API calls. Each
 * change is one commit holding the task, its `debt_collection.<state>` event and an audit entry.
 */
import { randomUUID } from 'node:crypto';
import type {
  AuditEntry,
  DebtCollectionTask,
  OutboxRow,
  TaskState,
} from '../../adapters/store/index.ts';
import { taskRow } from './task-rows.ts';
import { checkSent, withdrawTask } from './task-checker.ts';
import { emptyRunSummary, type TaskRunSummary, type TaskServiceOptions } from './task-deps.ts';
import { transition } from './task-events.ts';
import { sendApproved } from './task-sender.ts';

/** A refused operator action: `not_found` (no such task) or `conflict` (wrong state). */
export class TaskActionError extends Error {
  override readonly name = 'TaskActionError';
  readonly code: 'not_found' | 'conflict';
  constructor(code: 'not_found' | 'conflict', message: string) {
    super(message);
    this.code = code;
  }
}

export interface ApproveManyResult {
  id: string;
  ok: boolean;
  state?: TaskState;
  reason?: string;
}

export function createTaskService(options: TaskServiceOptions) {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  let running: Promise<TaskRunSummary> | null = null;

  function audit(
    actor: string,
    action: string,
    target: string,
    detail: string,
    at: Date,
  ): AuditEntry {
    return { id: randomUUID(), at: at.toISOString(), actor, action, target, detail };
  }

  async function publish(rows: OutboxRow[]): Promise<void> {
    if (rows.length > 0) await options.relay?.publishRows(rows);
  }

  async function load(id: string, from: TaskState[]): Promise<DebtCollectionTask> {
    const task = await store.getTask(id);
    if (!task) throw new TaskActionError('not_found', 'no such task');
    if (!from.includes(task.state)) {
      throw new TaskActionError('conflict', `task is ${task.state}, expected ${from.join(' or ')}`);
    }
    return task;
  }

  async function approve(id: string, actor: string): Promise<DebtCollectionTask> {
    const task = await load(id, ['PENDING_APPROVAL']);
    const at = now();
    const approved = transition(task, 'APPROVED', `approved by ${actor}`, null, at.toISOString());
    const rows = [taskRow(config, at, approved)];
    await store.commit({
      tasks: [approved],
      outbox: rows,
      audit: [audit(actor, 'task.approve', id, 'PENDING_APPROVAL → APPROVED', at)],
    });
    await publish(rows);
    return approved;
  }

  return {
    approve,

    async approveMany(ids: string[], actor: string): Promise<ApproveManyResult[]> {
      const results: ApproveManyResult[] = [];
      for (const id of ids) {
        try {
          const task = await approve(id, actor);
          results.push({ id, ok: true, state: task.state });
        } catch (err) {
          results.push({ id, ok: false, reason: err instanceof Error ? err.message : 'failed' });
        }
      }
      return results;
    },

    /** Cancels a task (MANUAL); a SENT one is withdrawn at the agency first. */
    async cancel(id: string, actor: string, reason: string): Promise<DebtCollectionTask> {
      const task = await load(id, ['PENDING_APPROVAL', 'APPROVED', 'SENT']);
      const note = reason.slice(0, 300);
      if (task.state === 'SENT') {
        const invoice = await store.getInvoice(task.source, task.invoiceNumber);
        const found = await options.agency.getCase(
          invoice?.caseId ? { caseId: invoice.caseId } : { invoiceNumber: task.invoiceNumber },
          { priority: 'action' },
        );
        await withdrawTask(options, task, invoice, found, 'MANUAL', emptyRunSummary());
      }
      const at = now();
      const cause = `cancelled by ${actor}${note ? `: ${note}` : ''}`;
      const cancelled = transition(task, 'CANCELLED', cause, 'MANUAL', at.toISOString());
      const rows = [taskRow(config, at, cancelled)];
      await store.commit({
        tasks: [cancelled],
        outbox: rows,
        audit: [audit(actor, 'task.cancel', id, `${task.state} → CANCELLED: ${note}`, at)],
      });
      await publish(rows);
      return cancelled;
    },

    /** One scheduler run; a call while one runs waits for it and gets its summary. */
    runOnce(): Promise<TaskRunSummary> {
      running ??= (async () => {
        const summary = emptyRunSummary();
        const sent = await sendApproved(options, summary);
        await publish(sent);
        const checked = await checkSent(options, summary);
        await publish(checked);
        summary.events = sent.length + checked.length;
        return summary;
      })().finally(() => {
        running = null;
      });
      return running;
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
