/**
 * The debt-collection task (contract §6, Atomia semantics): task creation from the pipeline
 * (`request-task.ts`), the ERP's cancel and paid-internally messages (`task-events.ts`), the
 * payment-received hook (`paid-in-erp.ts`), and the scheduler with the operators' approval
 * functions (`task-service.ts`).
 */
export {
  createTaskService,
  TaskActionError,
  type ApproveManyResult,
  type TaskService,
} from './task-service.ts';
export type { TaskRunSummary, TaskServiceOptions } from './task-deps.ts';
export { createPaidInErpHook, type PaidInErpOptions } from './paid-in-erp.ts';
export { caseVerdict, recordSettled } from './collected.ts';
export { taskId, stateEventType } from './request-task.ts';
