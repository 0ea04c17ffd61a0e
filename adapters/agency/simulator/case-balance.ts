/**
 * Case balance arithmetic in integer cents: lazy daily interest on the capital, fees, debtor
 * payments (fees → interest → capital), direct payments (capital → interest → fees), and the
 * status that follows from what is left.
 */
import type { CaseRec } from './model.ts';

/** Interest accrues per whole day past the due date while the case is open. */
export function accrueInterest(c: CaseRec, today: number): void {
  if (isClosed(c) || today <= c.accruedThroughDay) return;
  const days = today - c.accruedThroughDay;
  if (c.capitalCents > 0)
    c.interestAccruedExact += (c.capitalCents * c.interestPercent * days) / 100 / 365;
  c.accruedThroughDay = today;
}

export function interestCents(c: CaseRec): number {
  return Math.max(0, Math.round(c.interestAccruedExact) - c.interestReducedCents);
}

export function totalCents(c: CaseRec): number {
  return c.capitalCents + interestCents(c) + c.costsCents;
}

export function isClosed(c: CaseRec): boolean {
  return c.closedAtMs !== null;
}

export interface Split {
  feesCents: number;
  interestCents: number;
  capitalCents: number;
}

/** Takes `amountCents` off the case in the given order; the caller checks it fits the total. */
export function reduceBalance(
  c: CaseRec,
  amountCents: number,
  order: readonly (keyof Split)[],
): Split {
  const split: Split = { feesCents: 0, interestCents: 0, capitalCents: 0 };
  let left = amountCents;
  for (const part of order) {
    const available =
      part === 'feesCents'
        ? c.costsCents
        : part === 'interestCents'
          ? interestCents(c)
          : c.capitalCents;
    const take = Math.min(available, left);
    split[part] = take;
    left -= take;
  }
  c.costsCents -= split.feesCents;
  c.interestReducedCents += split.interestCents;
  c.capitalCents -= split.capitalCents;
  return split;
}

export const DEBTOR_ORDER = ['feesCents', 'interestCents', 'capitalCents'] as const;
export const DIRECT_ORDER = ['capitalCents', 'interestCents', 'feesCents'] as const;

/** After money came in: PAID and closed at zero, else PARTIALLY_PAID. */
export function settleStatus(c: CaseRec, nowMs: number): void {
  if (totalCents(c) === 0) {
    c.status = 'PAID';
    c.closedAtMs = nowMs;
    c.nextStageDay = null;
  } else {
    c.status = 'PARTIALLY_PAID';
  }
}

export function closeCase(c: CaseRec, status: 'WITHDRAWN' | 'CLOSED', nowMs: number): void {
  c.status = status;
  c.closedAtMs = nowMs;
  c.nextStageDay = null;
}
