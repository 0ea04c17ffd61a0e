/**
 * The chaos checker sorts each confirmed event into exactly one bucket; these cases make each
 * bucket (and each pass figure) fail on purpose, so a green chaos run means something.
 */
import { describe, expect, it } from 'vitest';
import type { SimStateView } from '../../../adapters/agency/simulator/index.ts';
import { chaosFailures, checkChaos, type ChaosInputs } from '../../../test/chaos/checker.ts';
import { chaosWorkload } from '../../../test/chaos/workload.ts';
import { seededRandom } from '../../../test/helpers/random.ts';

const work = chaosWorkload({ n: 40, random: seededRandom(7), duplicateShare: 0 });
const creates = work.events.filter((e) => e.kind === 'create' || e.kind === 'credit');
const actions = work.events.filter((e) => e.kind === 'payment' || e.kind === 'withdrawal');

/** A simulator view in which every event had exactly one effect. */
function perfectSim(): SimStateView {
  return {
    invoiceCreates: Object.fromEntries(creates.map((e) => [e.key, { received: 1, committed: 1 }])),
    actionsByKey: Object.fromEntries(
      actions.map((e) => [
        `${e.invoiceNumber}|Chaos [erp:${e.id}]`,
        { code: 'X', received: 1, committed: 1, applied: 1 },
      ]),
    ),
    cases: [],
  } as unknown as SimStateView;
}

function inputs(o: Partial<ChaosInputs> = {}): ChaosInputs {
  return {
    events: work.events,
    confirmed: new Set(work.events.map((e) => e.id)),
    sim: perfectSim(),
    store: { inbox: new Map(), deadLetters: [] },
    results: work.events.map((e) => ({
      messageId: `r-${e.id}`,
      causationId: e.id,
      type: 'action.accepted',
      body: `{"id":"r-${e.id}"}`,
    })),
    ...o,
  };
}

describe('chaos checker', () => {
  it('has the workload mix: creates, payments, credits and withdrawals, per-invoice keys', () => {
    const kinds = new Set(work.events.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['create', 'credit', 'payment', 'withdrawal']);
    expect(new Set(work.events.map((e) => e.key)).size).toBe(work.events.length);
  });

  it('passes a run where every event had one effect and one result', () => {
    const r = checkChaos(inputs());
    expect(r.ok).toBe(work.events.length);
    expect(chaosFailures(r)).toEqual([]);
  });

  it('counts an event with no effect as lost, unless dead-lettered or in manual review', () => {
    const sim = perfectSim();
    const [a, b, c] = actions;
    for (const e of [a!, b!, c!]) delete sim.actionsByKey[`${e.invoiceNumber}|Chaos [erp:${e.id}]`];
    delete sim.invoiceCreates[creates[0]!.key];
    const r = checkChaos(
      inputs({
        sim,
        store: {
          inbox: new Map([
            [b!.id, { state: 'MANUAL_REVIEW', outcome: null, attempts: 3 }],
            [c!.id, { state: 'FAILED', outcome: null, attempts: 1 }],
          ]),
          deadLetters: [{ messageId: b!.id, reason: 'unknown outcome', detail: '', attempts: 3 }],
        },
      }),
    );
    expect(r.lost.sort()).toEqual([`${a!.kind} ${a!.key}`, `create ${creates[0]!.key}`].sort());
    expect(r.manualReview).toEqual([{ id: b!.id, reason: 'unknown outcome' }]);
    expect(r.deadLettered).toEqual([{ id: c!.id, reason: '' }]);
    expect(chaosFailures(r).join('\n')).toMatch(/lost 2[\s\S]*dead-lettered 1/);
  });

  it('does not count an event the broker never confirmed as lost', () => {
    const sim = perfectSim();
    delete sim.invoiceCreates[creates[0]!.key];
    const confirmed = new Set(work.events.map((e) => e.id));
    confirmed.delete(creates[0]!.id);
    const r = checkChaos(inputs({ sim, confirmed }));
    expect(r.lost).toEqual([]);
    expect(r.confirmed).toBe(work.events.length - 1);
  });

  it('finds duplicates and unexpected effects', () => {
    const sim = perfectSim();
    sim.invoiceCreates[creates[1]!.key] = { received: 2, committed: 2 };
    sim.invoiceCreates['999999'] = { received: 1, committed: 1 };
    sim.actionsByKey['1|Chaos [erp:not-an-event]'] = {
      code: 'DIRECTPAYMENT',
      received: 1,
      committed: 1,
      applied: 1,
    };
    const r = checkChaos(inputs({ sim }));
    expect(r.duplicated).toEqual([`${creates[1]!.kind} ${creates[1]!.key}`]);
    expect(r.unexpected).toEqual(['invoice 999999', 'action [erp:not-an-event]']);
    expect(chaosFailures(r)).toHaveLength(2);
  });

  it('allows manual review up to 0.5% of the events, each with a reason', () => {
    const many = chaosWorkload({ n: 400, random: seededRandom(1), duplicateShare: 0 });
    const base = {
      ...inputs(),
      events: many.events,
      confirmed: new Set(many.events.map((e) => e.id)),
    };
    const review = (ids: string[], reason: string) => ({
      inbox: new Map(ids.map((id) => [id, { state: 'MANUAL_REVIEW', outcome: null, attempts: 1 }])),
      deadLetters: ids.map((id) => ({ messageId: id, reason, detail: '', attempts: 1 })),
    });
    const ids = many.events.map((e) => e.id);
    const sim = {
      invoiceCreates: Object.fromEntries(
        many.events
          .filter((e) => e.kind === 'create' || e.kind === 'credit')
          .map((e) => [e.key, { received: 1, committed: 1 }]),
      ),
      actionsByKey: Object.fromEntries(
        many.events
          .filter((e) => e.kind === 'payment' || e.kind === 'withdrawal')
          .map((e) => [
            `${e.invoiceNumber}|[erp:${e.id}]`,
            { code: 'X', received: 1, committed: 1, applied: 1 },
          ]),
      ),
      cases: [],
    } as unknown as SimStateView;
    const results = many.events.map((e) => ({
      messageId: e.id,
      causationId: e.id,
      type: 't',
      body: e.id,
    }));
    const two = checkChaos({ ...base, sim, results, store: review(ids.slice(0, 2), 'ambiguous') });
    expect(chaosFailures(two)).toEqual([]);
    const three = checkChaos({
      ...base,
      sim,
      results,
      store: review(ids.slice(0, 3), 'ambiguous'),
    });
    expect(chaosFailures(three)).toEqual(['manual review 3 > 0.5% of 400']);
    const noReason = checkChaos({ ...base, sim, results, store: review(ids.slice(0, 1), '') });
    expect(chaosFailures(noReason)).toEqual([`manual review without a reason: ${ids[0]}`]);
  });

  it('requires a result per confirmed event, and identical copies of a result', () => {
    const results = inputs().results.slice(1);
    results.push({ ...results[0]!, body: '{"changed":true}' });
    const r = checkChaos(inputs({ results }));
    expect(r.resultsMissing).toEqual([work.events[0]!.id]);
    expect(r.resultsInconsistent).toEqual([results[0]!.messageId]);
  });
});
