/**
 * ERP events for the transport tests and the checks against the simulator ledger: every event
 * has exactly one committed effect at the agency (lost = 0, duplicated = 0) and a result.
 */
import type { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { envelope, invoiceData, paymentReceived, type TestEvent } from '../../helpers/events.ts';

type Simulator = ReturnType<typeof createSimulator>;

export function createEvents(numbers: string[]): TestEvent[] {
  return numbers.map((n) => envelope('acme', 'invoice.created', invoiceData(n)));
}

export function paymentEvents(numbers: string[]): TestEvent[] {
  return numbers.map((n) => paymentReceived(n));
}

export function invoiceNumbers(base: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(base + i));
}

export interface LedgerTally {
  /** Events with no committed effect. */
  lost: string[];
  /** Events with more than one committed effect. */
  duplicated: string[];
  /** Requests sent more than once for one event (allowed: answered "already exists" or deduped). */
  resent: number;
  committed: number;
}

/** Committed effects per event at the agency: creates by invoice number, actions by `[erp:<id>]`. */
export function tallyLedger(sim: Simulator, events: TestEvent[]): LedgerTally {
  const state = sim.state();
  const byErpId = new Map<string, { committed: number; received: number }>();
  for (const [key, v] of Object.entries(state.actionsByKey)) {
    const m = /\[erp:([^\]]+)\]/u.exec(key);
    if (!m) continue;
    const t = byErpId.get(m[1]!) ?? { committed: 0, received: 0 };
    t.committed += v.committed;
    t.received += v.received;
    byErpId.set(m[1]!, t);
  }
  const out: LedgerTally = { lost: [], duplicated: [], resent: 0, committed: 0 };
  for (const e of events) {
    const data = (JSON.parse(e.body) as { data: { invoiceNumber: string } }).data;
    const t =
      e.type === 'invoice.created' ? state.invoiceCreates[data.invoiceNumber] : byErpId.get(e.id);
    const committed = t?.committed ?? 0;
    if (committed === 0) out.lost.push(e.id);
    if (committed > 1) out.duplicated.push(e.id);
    out.committed += Math.min(committed, 1);
    out.resent += Math.max(0, (t?.received ?? 0) - 1);
  }
  return out;
}

/** Result types seen per causing event id. */
export function resultsByCause(results: { body: string }[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const r of results) {
    const e = JSON.parse(r.body) as { type: string; causationid?: string };
    if (!e.causationid) continue;
    map.set(e.causationid, (map.get(e.causationid) ?? new Set()).add(e.type));
  }
  return map;
}

export const expectedResult = (e: TestEvent): string =>
  e.type === 'invoice.created' ? 'invoice.accepted' : 'action.accepted';

/** The outbox id of row `i` of an A2 run (built the same way in the connector child). */
export function rowId(runId: string, i: number): string {
  return `${runId}-row-${String(i).padStart(7, '0')}`;
}
