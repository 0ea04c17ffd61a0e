/**
 * `POST /invoice/action`: actions are checked against the cases (unknown or mismatched → 404),
 * recorded at once as PENDING case events, and applied later (next clock advance, or at once when
 * `applyActionsImmediately`). Applying turns the event DONE (or REJECTED with a message).
 */
import type { InvoiceAction } from '../types.ts';
import {
  accrueInterest,
  closeCase,
  isClosed,
  reduceBalance,
  settleStatus,
  totalCents,
  DIRECT_ORDER,
} from './case-balance.ts';
import { dayOfDate } from './dates.ts';
import { today } from './engine.ts';
import type { SimEngine } from './engine.ts';
import { SimHttpError } from './http-error.ts';
import { toCents } from './money.ts';
import type { Account, ActionRec, CaseRec } from './model.ts';
import { planNextStage } from './stages.ts';

/** Finds each action's case in the account; throws 404 before anything is committed. */
export function resolveCases(
  engine: SimEngine,
  account: Account,
  actions: readonly InvoiceAction[],
): CaseRec[] {
  return actions.map((a, i) => {
    const c = engine.state.casesById.get(a.data.caseId);
    if (!c || c.invoice.account !== account) {
      throw new SimHttpError(404, 'Case not found', [
        { field: `actions[${i}].data.caseId`, message: 'unknown case' },
      ]);
    }
    if (c.invoice.number !== a.data.invoiceNumber) {
      throw new SimHttpError(404, 'Case not found', [
        { field: `actions[${i}].data.invoiceNumber`, message: 'does not belong to this case' },
      ]);
    }
    return c;
  });
}

/** Records the actions (events PENDING) and queues them; applies them now when so configured. */
export function commitActions(
  engine: SimEngine,
  account: Account,
  actions: readonly InvoiceAction[],
  cases: readonly CaseRec[],
): ActionRec[] {
  const recs = actions.map((a, i): ActionRec => {
    const caseRec = cases[i]!;
    const event = {
      type: a.code,
      atMs: engine.nowMs,
      comment: a.comment,
      status: 'PENDING' as const,
      ...(a.code === 'DIRECTPAYMENT'
        ? { amountCents: toCents(a.data.amount ?? 0), reference: a.data.reference ?? null }
        : {}),
    };
    caseRec.events.push(event);
    const rec: ActionRec = {
      seq: engine.state.nextActionSeq++,
      account,
      code: a.code,
      comment: a.comment,
      data: { ...a.data },
      caseRec,
      receivedAtMs: engine.nowMs,
      dueAtMs: engine.nowMs + engine.lifecycle.actionDelayMs,
      status: 'PENDING',
      appliedAtMs: null,
      message: null,
      event,
    };
    account.actions.push(rec);
    return rec;
  });
  if (engine.lifecycle.applyActionsImmediately) recs.forEach((r) => applyAction(engine, r));
  else engine.actions.items.push(...recs);
  return recs;
}

/** The effect of one action; returns a rejection message, or null when applied. */
function effect(engine: SimEngine, a: ActionRec): string | null {
  const c = a.caseRec;
  if (['COMMENT', 'OBJECTION', 'PAYMENTPLAN'].includes(a.code)) return null;
  if (isClosed(c)) return `case is ${c.status}`;
  accrueInterest(c, today(engine));
  switch (a.code) {
    case 'WITHDRAW':
      closeCase(c, 'WITHDRAWN', engine.nowMs);
      return null;
    case 'PAUSE':
      c.paused = true;
      c.nextStageDay = null;
      return null;
    case 'DUEDATE': {
      const dueDay = dayOfDate(String(a.data.dueDate));
      c.dueDay = dueDay;
      c.accruedThroughDay = Math.max(c.accruedThroughDay, dueDay);
      planNextStage(engine, c);
      return null;
    }
    case 'DIRECTPAYMENT': {
      if (a.data.currency !== c.invoice.currency)
        return `currency ${String(a.data.currency)} is not the case currency`;
      const amount = toCents(a.data.amount as number);
      if (amount > totalCents(c)) return 'amount exceeds the case balance';
      reduceBalance(c, amount, DIRECT_ORDER);
      c.payments.push({
        paymentDate: String(a.data.paymentDate),
        amountCents: amount,
        reference: typeof a.data.reference === 'string' ? a.data.reference : null,
        source: 'DIRECT',
        allocationId: null,
      });
      settleStatus(c, engine.nowMs);
      return null;
    }
    default:
      return null;
  }
}

export function applyAction(engine: SimEngine, a: ActionRec): void {
  if (a.status !== 'PENDING') return;
  const rejection = effect(engine, a);
  a.status = rejection === null ? 'DONE' : 'REJECTED';
  a.message = rejection;
  a.appliedAtMs = engine.nowMs;
  a.event.status = a.status;
  if (rejection !== null) a.event.message = rejection;
}
