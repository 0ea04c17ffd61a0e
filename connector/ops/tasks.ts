/**
 * Task actions for the dashboard: the debt-collection scheduler's own service when it is wired
 * (`TaskActionsPort`), otherwise this store-only fallback, which approves PENDING_APPROVAL tasks
 * and cancels tasks not yet sent (a SENT task needs a WITHDRAW at the agency: the scheduler's job).
 * Each change and its audit entry are one commit.
 */
import type { DebtCollectionTask, Store, TaskState } from '../../adapters/store/index.ts';
import { auditEntry, OpsActionError } from './audit.ts';

export interface TaskActionsPort {
  approve(id: string, actor: string): Promise<unknown>;
  approveMany(ids: string[], actor: string): Promise<unknown>;
  cancel(id: string, actor: string, reason: string): Promise<unknown>;
}

export function createStoreTaskActions(options: {
  store: Store;
  now?: () => Date;
}): TaskActionsPort {
  const { store } = options;
  const now = options.now ?? (() => new Date());

  async function move(
    id: string,
    actor: string,
    from: TaskState[],
    to: TaskState,
    cause: string,
  ): Promise<DebtCollectionTask> {
    const task = await store.getTask(id);
    if (!task) throw new OpsActionError('not_found', 'no such task');
    if (!from.includes(task.state)) {
      throw new OpsActionError('conflict', `task is ${task.state}, expected ${from.join(' or ')}`);
    }
    const at = now();
    const nowIso = at.toISOString();
    const updated: DebtCollectionTask = {
      ...task,
      state: to,
      reason: to === 'CANCELLED' ? cause : task.reason,
      transitions: [...task.transitions, { at: nowIso, from: task.state, to, cause }],
      updatedAt: nowIso,
    };
    await store.commit({
      tasks: [updated],
      audit: [
        auditEntry({
          actor,
          action: to === 'APPROVED' ? 'task.approve' : 'task.cancel',
          target: id,
          detail: `${task.state} → ${to}: ${cause}`,
          now: at,
        }),
      ],
    });
    return updated;
  }

  return {
    approve: (id, actor) =>
      move(id, actor, ['PENDING_APPROVAL'], 'APPROVED', `approved by ${actor}`),
    async approveMany(ids, actor) {
      const results: { id: string; ok: boolean; reason?: string }[] = [];
      for (const id of ids) {
        try {
          await move(id, actor, ['PENDING_APPROVAL'], 'APPROVED', `approved by ${actor}`);
          results.push({ id, ok: true });
        } catch (err) {
          results.push({ id, ok: false, reason: err instanceof Error ? err.message : 'failed' });
        }
      }
      return results;
    },
    cancel: (id, actor, reason) =>
      move(id, actor, ['PENDING_APPROVAL', 'APPROVED'], 'CANCELLED', reason.slice(0, 300)),
  };
}
