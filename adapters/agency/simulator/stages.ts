/**
 * Payment control stages: past the due date an unpaid case moves INVOICE → REMINDER → NOTICE →
 * COLLECTION at the configured day offsets, each step adding its fee. PAUSE stops it; a buyer with
 * `disableCollection` stops at NOTICE.
 */
import { accrueInterest, isClosed } from './case-balance.ts';
import { scheduleStageCheck } from './engine.ts';
import type { SimEngine } from './engine.ts';
import type { CaseRec, CaseStage } from './model.ts';

interface StageStep {
  stage: CaseStage;
  afterDays: number;
  feeCents: number;
  event: string;
}

function steps(engine: SimEngine): StageStep[] {
  const l = engine.lifecycle;
  return [
    {
      stage: 'REMINDER',
      afterDays: l.reminderAfterDays,
      feeCents: l.reminderFeeCents,
      event: 'REMINDER_SENT',
    },
    {
      stage: 'NOTICE',
      afterDays: l.noticeAfterDays,
      feeCents: l.noticeFeeCents,
      event: 'NOTICE_SENT',
    },
    {
      stage: 'COLLECTION',
      afterDays: l.collectionAfterDays,
      feeCents: l.collectionFeeCents,
      event: 'COLLECTION_STARTED',
    },
  ];
}

const ORDER: readonly CaseStage[] = ['INVOICE', 'REMINDER', 'NOTICE', 'COLLECTION'];

function pendingSteps(engine: SimEngine, c: CaseRec): StageStep[] {
  const reached = ORDER.indexOf(c.stage);
  return steps(engine).filter(
    (s) => ORDER.indexOf(s.stage) > reached && !(s.stage === 'COLLECTION' && c.disableCollection),
  );
}

/** Plans the check for the case's next stage (none when closed, paused or at the last stage). */
export function planNextStage(engine: SimEngine, c: CaseRec): void {
  const next = pendingSteps(engine, c)[0];
  if (next === undefined || c.paused || isClosed(c)) {
    c.nextStageDay = null;
    return;
  }
  scheduleStageCheck(engine, c, c.dueDay + next.afterDays);
}

/** Runs a due stage check on `day`: applies every step whose offset has passed, then plans the next. */
export function runStageCheck(engine: SimEngine, c: CaseRec, day: number): void {
  if (c.nextStageDay === null || c.nextStageDay > day || c.paused || isClosed(c)) return;
  for (const step of pendingSteps(engine, c)) {
    const stepDay = c.dueDay + step.afterDays;
    if (stepDay > day) break;
    accrueInterest(c, day);
    c.stage = step.stage;
    c.costsCents += step.feeCents;
    c.events.push({ type: step.event, atMs: engine.nowMs, amountCents: step.feeCents });
  }
  planNextStage(engine, c);
}
