/**
 * The chaos checker (RELIABILITY.md §5.3), Jepsen-style: every event the broker confirmed to the
 * ERP is sorted by its business key into exactly one bucket against the simulator's ledger and
 * the connector's store:
 * - `ok`: one committed effect at the agency;
 * - `duplicated`: more than one committed effect (must be 0);
 * - `manualReview`: parked for an operator (MANUAL_REVIEW in the inbox; ≤ 0.5% of N, each with
 *   a dead letter giving the reason);
 * - `deadLettered`: failed for good with a reason (FAILED; a valid workload expects 0);
 * - `lost`: confirmed, no effect, neither in manual review nor dead-lettered (must be 0).
 * Plus `unexpected`: agency effects no event asked for (must be 0), and the ERP's view: every
 * confirmed event has at least one result on agency.events, and copies of one result message
 * (same message id) are byte-identical.
 * Pure: the caller gathers the inputs, so the checker itself is unit-tested.
 */
import type { SimStateView } from '../../adapters/agency/simulator/index.ts';
import { checkEffects, type StoreFacts } from '../helpers/ledger-check.ts';
import type { ChaosEvent } from './workload.ts';

export interface ResultMessage {
  messageId: string;
  causationId: string | null;
  type: string;
  body: string;
}

export interface ChaosReport {
  events: number;
  confirmed: number;
  ok: number;
  lost: string[];
  duplicated: string[];
  unexpected: string[];
  manualReview: { id: string; reason: string }[];
  deadLettered: { id: string; reason: string }[];
  /** Manual-review entries without a dead letter that says why. */
  manualReviewWithoutReason: string[];
  resultsMissing: string[];
  /** Result message ids whose copies differ. */
  resultsInconsistent: string[];
  resultCopies: number;
  resultTypes: Record<string, number>;
}

export interface ChaosInputs {
  events: ChaosEvent[];
  confirmed: ReadonlySet<string>;
  sim: SimStateView;
  store: Pick<StoreFacts, 'inbox' | 'deadLetters'>;
  results: ResultMessage[];
}

export function checkChaos(input: ChaosInputs): ChaosReport {
  const { events, confirmed, sim, store, results } = input;
  const creates = events.filter((e) => e.kind === 'create' || e.kind === 'credit');
  const actions = events.filter((e) => e.kind === 'payment' || e.kind === 'withdrawal');
  const effects = checkEffects(sim, {
    invoices: creates.map((e) => e.key),
    actions: actions.map((e) => ({ invoiceNumber: e.invoiceNumber, eventId: e.id })),
    directPayments: events
      .filter((e) => e.kind === 'payment')
      .map((e) => ({ invoiceNumber: e.invoiceNumber, eventId: e.id })),
  });
  const missing = new Set([...effects.invoices.missing, ...effects.actions.missing]);
  const twice = new Set([...effects.invoices.duplicated, ...effects.actions.duplicated]);
  const letterOf = new Map(store.deadLetters.map((d) => [d.messageId ?? '', d]));

  const report: ChaosReport = {
    events: events.length,
    confirmed: 0,
    ok: 0,
    lost: [],
    duplicated: [],
    unexpected: [
      ...effects.invoices.unexpected.map((n) => `invoice ${n}`),
      ...effects.actions.unexpected.map((id) => `action [erp:${id}]`),
      ...effects.paymentsTwice.map((n) => `direct payments on ${n} beyond the events`),
    ],
    manualReview: [],
    deadLettered: [],
    manualReviewWithoutReason: [],
    resultsMissing: [],
    resultsInconsistent: [],
    resultCopies: results.length,
    resultTypes: {},
  };

  for (const e of events) {
    if (!confirmed.has(e.id)) continue;
    report.confirmed += 1;
    const state = store.inbox.get(e.id)?.state;
    const letter = letterOf.get(e.id);
    const label = `${e.kind} ${e.key}`;
    if (twice.has(e.key)) report.duplicated.push(label);
    else if (state === 'MANUAL_REVIEW') {
      report.manualReview.push({ id: e.id, reason: letter?.reason ?? '' });
      if (!letter?.reason) report.manualReviewWithoutReason.push(e.id);
    } else if (state === 'FAILED')
      report.deadLettered.push({ id: e.id, reason: letter?.reason ?? '' });
    else if (missing.has(e.key)) report.lost.push(label);
    else report.ok += 1;
  }

  const answered = new Set<string>();
  const copies = new Map<string, string>();
  const inconsistent = new Set<string>();
  for (const r of results) {
    if (r.causationId) answered.add(r.causationId);
    report.resultTypes[r.type] = (report.resultTypes[r.type] ?? 0) + 1;
    const seen = copies.get(r.messageId);
    if (seen === undefined) copies.set(r.messageId, r.body);
    else if (seen !== r.body) inconsistent.add(r.messageId);
  }
  for (const e of events) {
    if (confirmed.has(e.id) && !answered.has(e.id)) report.resultsMissing.push(e.id);
  }
  report.resultsInconsistent = [...inconsistent];
  return report;
}

/** The pass figures of §5.3 that a report fails, in words (empty = pass). */
export function chaosFailures(r: ChaosReport, maxManualReviewShare = 0.005): string[] {
  const out: string[] = [];
  const list = (xs: readonly string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ', …' : '');
  if (r.lost.length) out.push(`lost ${r.lost.length}: ${list(r.lost)}`);
  if (r.duplicated.length) out.push(`duplicated ${r.duplicated.length}: ${list(r.duplicated)}`);
  if (r.unexpected.length) out.push(`unexpected ${r.unexpected.length}: ${list(r.unexpected)}`);
  if (r.manualReview.length > Math.floor(r.events * maxManualReviewShare))
    out.push(
      `manual review ${r.manualReview.length} > ${maxManualReviewShare * 100}% of ${r.events}`,
    );
  if (r.manualReviewWithoutReason.length)
    out.push(`manual review without a reason: ${list(r.manualReviewWithoutReason)}`);
  if (r.deadLettered.length)
    out.push(
      `dead-lettered ${r.deadLettered.length}: ${list(r.deadLettered.map((d) => `${d.id} (${d.reason})`))}`,
    );
  if (r.resultsMissing.length)
    out.push(
      `no result on agency.events for ${r.resultsMissing.length}: ${list(r.resultsMissing)}`,
    );
  if (r.resultsInconsistent.length)
    out.push(`result copies differ: ${list(r.resultsInconsistent)}`);
  return out;
}
