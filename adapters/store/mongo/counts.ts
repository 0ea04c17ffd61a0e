/** `counts()` of the MongoDB backend: one count per figure, tasks grouped by state. */
import type { StoreCounts, TaskState } from '../types.ts';
import type { StoreModels } from './models.ts';

const taskStates: readonly TaskState[] = [
  'PENDING_APPROVAL',
  'APPROVED',
  'SENT',
  'COLLECTED',
  'CANCELLED',
];

export async function counts(models: StoreModels): Promise<StoreCounts> {
  const tasksByState = Object.fromEntries(taskStates.map((s) => [s, 0])) as Record<
    TaskState,
    number
  >;
  const groups = await models.tasks.aggregate<{ _id: TaskState; n: number }>([
    { $group: { _id: '$state', n: { $sum: 1 } } },
  ]);
  for (const group of groups) tasksByState[group._id] = group.n;
  return {
    outboxPending: await models.outbox.countDocuments({ state: 'PENDING' }),
    parked: await models.parked.countDocuments({}),
    deadLettersOpen: await models.deadLetters.countDocuments({ status: 'OPEN' }),
    manualReview: await models.inbox.countDocuments({ state: 'MANUAL_REVIEW' }),
    tasksByState,
  };
}
