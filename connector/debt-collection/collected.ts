/**
 * When a SENT task counts as collected. The settlement poll records every settled allocation of
 * the task's invoice on the task (`recordSettled`: the amount adds up, the latest settlement id is
 * the document id, its allocation date the payment date). The status check then decides: the case
 * is PAID at the agency and what was settled covers what the debtor paid the agency → COLLECTED.
 * A case closed at the agency otherwise (WITHDRAWN, CLOSED, or PAID only by direct payments to the
 * creditor) cancels the task.
 */
import { Decimal } from 'decimal.js';
import type { CaseDetails, Settlement, SettlementAllocation } from '../../adapters/agency/index.ts';
import type { DebtCollectionTask } from '../../adapters/store/index.ts';

export function recordSettled(
  task: DebtCollectionTask,
  settlement: Settlement,
  allocation: SettlementAllocation,
  at: string,
): DebtCollectionTask {
  const before = new Decimal(task.result?.collectedAmount ?? '0');
  return {
    ...task,
    result: {
      ...(task.result ?? {}),
      collectedAmount: before.plus(allocation.allocatedTotalAmount).toFixed(2),
      documentId: settlement.settlementId,
      paymentDate: allocation.allocationDate ?? settlement.settlementDate,
      credited: task.creditInvoice,
    },
    updatedAt: at,
  };
}

export type CaseVerdict =
  | { kind: 'open' }
  | { kind: 'waiting_for_settlement'; debtorPaid: string; settled: string }
  | { kind: 'collected' }
  | { kind: 'cancelled'; reason: 'PAID_IN_ERP' | 'CANCELLED_BY_AGENCY' };

export function caseVerdict(task: DebtCollectionTask, found: CaseDetails): CaseVerdict {
  const status = found.status.toUpperCase();
  if (status === 'WITHDRAWN' || status === 'CLOSED') {
    return { kind: 'cancelled', reason: 'CANCELLED_BY_AGENCY' };
  }
  if (status !== 'PAID') return { kind: 'open' };
  const debtorPaid = found.payments
    .filter((p) => (p.source ?? 'DEBTOR').toUpperCase() !== 'DIRECT')
    .reduce((sum, p) => sum.plus(p.amount), new Decimal(0));
  if (debtorPaid.isZero()) return { kind: 'cancelled', reason: 'PAID_IN_ERP' };
  const settled = new Decimal(task.result?.collectedAmount ?? '0');
  if (settled.greaterThanOrEqualTo(debtorPaid)) return { kind: 'collected' };
  return {
    kind: 'waiting_for_settlement',
    debtorPaid: debtorPaid.toFixed(2),
    settled: settled.toFixed(2),
  };
}
