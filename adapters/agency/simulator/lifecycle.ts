/**
 * Moving the simulated clock. The interval is walked through its checkpoints (each midnight and
 * each settlement run) in order; at every checkpoint the due work runs: distributions, pending
 * actions, stage checks of the days reached, and the settlement run on settlement weekdays.
 */
import { DAY_MS, dayOf, weekdayOf } from './dates.ts';
import { drainFifo } from './engine.ts';
import type { SimEngine } from './engine.ts';
import { applyAction } from './actions.ts';
import { distribute } from './invoices.ts';
import type { SettlementRec } from './model.ts';
import { runSettlementNow } from './settlement.ts';
import { runStageCheck } from './stages.ts';

function runDueWork(engine: SimEngine): void {
  const now = engine.nowMs;
  for (const inv of drainFifo(engine.distributions, (i) => i.distributionDueAtMs <= now))
    distribute(engine, inv);
  for (const action of drainFifo(engine.actions, (a) => a.dueAtMs <= now))
    applyAction(engine, action);
  const day = dayOf(now);
  const overdue = engine.stageOverdue;
  engine.stageOverdue = [];
  for (const c of overdue) runStageCheck(engine, c, day);
  while (engine.processedThroughDay < day) {
    engine.processedThroughDay++;
    const bucket = engine.stageBuckets.get(engine.processedThroughDay);
    if (bucket === undefined) continue;
    engine.stageBuckets.delete(engine.processedThroughDay);
    for (const c of bucket) runStageCheck(engine, c, engine.processedThroughDay);
  }
}

/** The first settlement-run instant strictly after `fromMs`, or Infinity when none is configured. */
function nextSettlementMs(engine: SimEngine, fromMs: number): number {
  if (engine.settlementWeekdays.size === 0) return Infinity;
  const hourMs = engine.lifecycle.settlementHourUtc * 3_600_000;
  for (let day = dayOf(fromMs); ; day++) {
    const at = day * DAY_MS + hourMs;
    if (at > fromMs && engine.settlementWeekdays.has(weekdayOf(day))) return at;
  }
}

/**
 * Moves the clock to `targetMs` (never backwards) and runs everything due on the way.
 * Returns the settlements created by scheduled runs.
 */
export function advanceTo(engine: SimEngine, targetMs: number): SettlementRec[] {
  const settlements: SettlementRec[] = [];
  runDueWork(engine);
  for (;;) {
    const midnight = (dayOf(engine.nowMs) + 1) * DAY_MS;
    const settlementAt = nextSettlementMs(engine, engine.nowMs);
    const next = Math.min(midnight, settlementAt);
    if (next > targetMs) break;
    engine.nowMs = next;
    runDueWork(engine);
    if (next === settlementAt) settlements.push(...runSettlementNow(engine));
  }
  engine.nowMs = Math.max(engine.nowMs, targetMs);
  runDueWork(engine);
  return settlements;
}
