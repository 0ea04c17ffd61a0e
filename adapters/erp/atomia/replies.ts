/**
 * Reply bodies for Atomia's request/reply plugin calls (atomia.md). The pipeline sends them on
 * the request's `reply_to` with its correlation id (see `ReplyTarget`).
 * - `send` → `{ RequestId }`: the debt-collection task id.
 * - `query` → the task's state as `QueryInvoiceStatus` needs it. `Collected` is true when the
 *   task is COLLECTED; `CancelledByCollector` when it is CANCELLED for a reason the ERP did not
 *   ask for (anything but PAID_IN_ERP and MANUAL, e.g. DAYS_LIMIT or an agency-side close);
 *   `Found` is false for an unknown RequestId (all other fields false or null then).
 */

export interface AtomiaSendReply {
  RequestId: string;
}

export interface AtomiaQueryReply {
  RequestId: string;
  Found: boolean;
  State: string | null;
  Collected: boolean;
  CancelledByCollector: boolean;
  DocumentId: string | null;
  PaymentDate: string | null;
  CollectedAmount: string | null;
  Credited: boolean | null;
}

/** The part of a stored debt-collection task a query reply reads. */
export interface QueriedTask {
  state: string;
  reason: string | null;
  result: {
    collectedAmount?: string;
    documentId?: string;
    paymentDate?: string;
    credited?: boolean;
  } | null;
}

/** Reasons for which the ERP itself asked to stop: not a cancellation by the collector. */
export const ERP_CANCEL_REASONS: readonly string[] = ['PAID_IN_ERP', 'MANUAL'];

export function sendReply(taskId: string): AtomiaSendReply {
  return { RequestId: taskId };
}

export function queryReply(requestId: string, task: QueriedTask | null): AtomiaQueryReply {
  if (!task) {
    return {
      RequestId: requestId,
      Found: false,
      State: null,
      Collected: false,
      CancelledByCollector: false,
      DocumentId: null,
      PaymentDate: null,
      CollectedAmount: null,
      Credited: null,
    };
  }
  const collected = task.state === 'COLLECTED';
  return {
    RequestId: requestId,
    Found: true,
    State: task.state,
    Collected: collected,
    CancelledByCollector:
      task.state === 'CANCELLED' && !ERP_CANCEL_REASONS.includes(task.reason ?? ''),
    DocumentId: collected ? (task.result?.documentId ?? null) : null,
    PaymentDate: collected ? (task.result?.paymentDate ?? null) : null,
    CollectedAmount: collected ? (task.result?.collectedAmount ?? null) : null,
    Credited: task.result?.credited ?? null,
  };
}
