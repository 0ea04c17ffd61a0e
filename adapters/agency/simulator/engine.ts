/**
 * The simulator's engine: state, lifecycle settings, the simulated "now" and the queues of work
 * that clock advances drain (distributions, pending actions, stage checks by day).
 */
import { dayOf } from './dates.ts';
import { createSimState } from './model.ts';
import type { ActionRec, CaseRec, InvoiceRec, SimState } from './model.ts';
import type { LifecycleSettings } from './settings.ts';

/** A FIFO list drained from `head`; compacted when the drained part gets large. */
export interface Fifo<T> {
  items: T[];
  head: number;
}

export interface SimEngine {
  state: SimState;
  readonly lifecycle: LifecycleSettings;
  readonly settlementWeekdays: ReadonlySet<number>;
  nowMs: number;
  distributions: Fifo<InvoiceRec>;
  actions: Fifo<ActionRec>;
  /** Stage checks by day; entries whose case has another `nextStageDay` are stale and skipped. */
  stageBuckets: Map<number, CaseRec[]>;
  /** Stage checks for days already processed: run at the next advance. */
  stageOverdue: CaseRec[];
  processedThroughDay: number;
}

export interface EngineOptions {
  apiKeys: readonly string[];
  lifecycle: LifecycleSettings;
  settlementWeekdays: readonly number[];
  startMs: number;
}

export function createEngine(options: EngineOptions): SimEngine {
  return {
    state: createSimState(options.apiKeys),
    lifecycle: options.lifecycle,
    settlementWeekdays: new Set(options.settlementWeekdays),
    nowMs: options.startMs,
    distributions: { items: [], head: 0 },
    actions: { items: [], head: 0 },
    stageBuckets: new Map(),
    stageOverdue: [],
    processedThroughDay: dayOf(options.startMs) - 1,
  };
}

export function today(engine: SimEngine): number {
  return dayOf(engine.nowMs);
}

/** Takes the items at the head for which `ready` holds (the queue is in due order). */
export function drainFifo<T>(fifo: Fifo<T>, ready: (item: T) => boolean): T[] {
  const out: T[] = [];
  while (fifo.head < fifo.items.length && ready(fifo.items[fifo.head]!)) {
    out.push(fifo.items[fifo.head]!);
    fifo.head++;
  }
  if (fifo.head > 1024 && fifo.head * 2 > fifo.items.length) {
    fifo.items = fifo.items.slice(fifo.head);
    fifo.head = 0;
  }
  return out;
}

/** Plans the case's next stage check on `day` (or at the next advance when that day is past). */
export function scheduleStageCheck(engine: SimEngine, c: CaseRec, day: number): void {
  c.nextStageDay = day;
  if (day <= engine.processedThroughDay) {
    engine.stageOverdue.push(c);
    return;
  }
  const bucket = engine.stageBuckets.get(day);
  if (bucket) bucket.push(c);
  else engine.stageBuckets.set(day, [c]);
}
