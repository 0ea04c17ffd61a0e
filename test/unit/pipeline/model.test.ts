/**
 * Model-based test (fast-check commands) of the exactly-once pipeline in process: events are
 * delivered, redelivered, and meet crashes before a commit, crashes after the agency call but
 * before the commit, agency answers lost after commit, and 429s; beside them the settlement
 * poller polls a page (a new settlement appears at the agency), sometimes crashing after its
 * store commit or losing the answer of its destructive read. Invariant after every command: no
 * business key has more than one committed effect at the agency, and no settlement more than
 * one settlement.received. At quiescence (faults off, every unacked delivery redelivered, delay
 * queues and releases drained, one clean poll): exactly one each.
 * RELIABILITY.md §5.3 "model-based partner".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import type { MappingPort } from '../../../connector/pipeline/mapping-port.ts';
import { envelope, invoiceData, type TestEvent } from '../../helpers/events.ts';
import { createHarness, type Harness } from '../../helpers/pipeline-harness.ts';
import { fakeAgency, fakePollers, fakeSettlements, settlement } from '../pollers/fake-deps.ts';

interface Model {
  events: TestEvent[];
  /** Deliveries the broker still owes (nacked with requeue, or never delivered). */
  owed: TestEvent[];
}

interface Real {
  h: Harness;
  invoices: string[];
  actions: TestEvent[];
  poll: SettlementPoll;
}

type PollFault = 'none' | 'crash-after-store' | 'answer-lost';

/** The settlement poller with a fake agency whose settlements appear one page at a time. */
async function settlementPoll() {
  const agency = fakeSettlements([]);
  let fault: PollFault = 'none';
  const t = await fakePollers(
    fakeAgency({
      settlements: (q) => {
        const out = agency.read(q);
        if (fault === 'answer-lost' && q.unfetchedOnly) {
          fault = 'none';
          throw new Error('process died with the answer in memory');
        }
        return out;
      },
    }),
  );
  const commit = t.store.commit.bind(t.store);
  t.store.commit = async (changes) => {
    await commit(changes);
    if (fault === 'crash-after-store' && changes.news?.length) {
      fault = 'none';
      throw new Error('simulated crash after the store commit');
    }
  };
  return {
    agency,
    async poll(f: PollFault) {
      fault = f;
      await t.pollers.runNow('settlements');
      fault = 'none';
    },
    addPage() {
      const id = `20261208${String(agency.all.length + 1).padStart(4, '0')}`;
      agency.all.push(settlement(id, [['100234', '10.00', '10.00', '0.00', '0.00']]));
    },
    /** settlement.received events per settlement id. */
    published(): Map<string, number> {
      const out = new Map<string, number>();
      for (const e of t.events('settlement.received')) {
        const id = String(e.data.settlementId);
        out.set(id, (out.get(id) ?? 0) + 1);
      }
      return out;
    },
    close: () => t.store.close(),
  };
}
type SettlementPoll = Awaited<ReturnType<typeof settlementPoll>>;

function checkSettlementsAtMostOnce(poll: SettlementPoll): void {
  for (const [id, n] of poll.published()) expect(n, `settlement ${id}`).toBeLessThanOrEqual(1);
}

type Cmd = fc.AsyncCommand<Model, Real>;

function workload(): { events: TestEvent[]; invoices: string[]; actions: TestEvent[] } {
  const invoices = ['910001', '910002'];
  const creates = invoices.map((n) => envelope('acme', 'invoice.created', invoiceData(n)));
  const actions = [
    envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '910001',
      amount: '20.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
      reference: 'R-1',
    }),
    envelope('acme', 'invoice.comment_added', { invoiceNumber: '910001', comment: 'c' }),
    envelope('acme', 'invoice.withdrawn', { invoiceNumber: '910002' }),
  ];
  return { events: [...creates, ...actions], invoices, actions };
}

function checkAtMostOnce(h: Harness, invoices: string[], actions: TestEvent[]): void {
  const state = h.sim.state();
  for (const n of invoices) expect(state.invoiceCreates[n]?.committed ?? 0).toBeLessThanOrEqual(1);
  for (const a of actions) {
    const committed = Object.entries(state.actionsByKey)
      .filter(([key]) => key.includes(`[erp:${a.id}]`))
      .reduce((sum, [, v]) => sum + v.committed, 0);
    expect(committed, `${a.type}`).toBeLessThanOrEqual(1);
  }
}

async function deliverOwed(h: Harness, m: Model, e: TestEvent): Promise<void> {
  const record = await h.deliver(e);
  if (record.nacked && record.requeued) m.owed.push(e);
}

class Deliver implements Cmd {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  check = (m: Readonly<Model>) => m.owed.length > 0;
  async run(m: Model, r: Real) {
    const e = m.owed.splice(this.index % m.owed.length, 1)[0]!;
    await deliverOwed(r.h, m, e);
    checkAtMostOnce(r.h, r.invoices, r.actions);
  }
  toString = () => `deliver(${this.index})`;
}

class Redeliver implements Cmd {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
  check = () => true;
  async run(m: Model, r: Real) {
    await deliverOwed(r.h, m, m.events[this.index % m.events.length]!);
    checkAtMostOnce(r.h, r.invoices, r.actions);
  }
  toString = () => `redeliver(${this.index})`;
}

class Fault implements Cmd {
  readonly kind: 'crash-before-commit' | 'crash-after-send' | 'drop-answer' | '429';
  constructor(kind: 'crash-before-commit' | 'crash-after-send' | 'drop-answer' | '429') {
    this.kind = kind;
  }
  check = () => true;
  run(_m: Model, r: Real) {
    if (this.kind === 'crash-before-commit') r.h.crashNextCommit('any');
    else if (this.kind === 'crash-after-send') r.h.crashNextCommit('done');
    else
      r.h.sim.setFaults({
        next: [this.kind === 'drop-answer' ? 'commit-then-drop' : 'random-429'],
      });
    return Promise.resolve();
  }
  toString = () => this.kind;
}

class PollPage implements Cmd {
  readonly fault: PollFault;
  constructor(fault: PollFault) {
    this.fault = fault;
  }
  check = () => true;
  async run(_m: Model, r: Real) {
    r.poll.addPage();
    await r.poll.poll(this.fault);
    checkSettlementsAtMostOnce(r.poll);
  }
  toString = () => `pollPage(${this.fault})`;
}

class Reconcile implements Cmd {
  check = () => true;
  async run(_m: Model, r: Real) {
    await r.h.drain();
    checkAtMostOnce(r.h, r.invoices, r.actions);
  }
  toString = () => 'reconcile';
}

describe('exactly once, model-based', () => {
  it(
    'never applies a business key twice, and applies each once at quiescence',
    { timeout: 300_000 },
    async () => {
      const mapper: MappingPort = await createMappingPort('mappings', {
        validators: agencyRequestValidators,
      });
      const commands = [
        fc.nat(20).map((i) => new Deliver(i)),
        fc.nat(20).map((i) => new Redeliver(i)),
        fc
          .constantFrom('crash-before-commit', 'crash-after-send', 'drop-answer', '429' as const)
          .map((k) => new Fault(k)),
        fc.constant(new Reconcile()),
        fc
          .constantFrom('none', 'crash-after-store', 'answer-lost' as const)
          .map((f) => new PollPage(f)),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
          const { events, invoices, actions } = workload();
          const h = await createHarness({
            mapper,
            sim: {
              recordBodies: false,
              lifecycle: { applyActionsImmediately: true },
              faults: { retryAfterSeconds: 0 },
            },
            config: { pipeline: { reconcileSettleMs: 0, parkMaxHours: 1, invoiceLeaseMs: 500 } },
          });
          const poll = await settlementPoll();
          try {
            const model: Model = { events, owed: [...events] };
            await fc.asyncModelRun(() => ({ model, real: { h, invoices, actions, poll } }), cmds);
            // Quiescence: faults off, the broker delivers what it owes, queues drain.
            h.crashNextCommit(null as never);
            h.sim.setFaults({ next: [] });
            for (
              let round = 0;
              round < 20 && (model.owed.length > 0 || h.delayed.length > 0);
              round += 1
            ) {
              for (const e of model.owed.splice(0)) await deliverOwed(h, model, e);
              await h.drain();
            }
            await h.drain();
            checkAtMostOnce(h, invoices, actions);
            const state = h.sim.state();
            for (const n of invoices)
              expect(state.invoiceCreates[n]?.committed, `create ${n}`).toBe(1);
            for (const a of actions) {
              const committed = Object.entries(state.actionsByKey)
                .filter(([key]) => key.includes(`[erp:${a.id}]`))
                .reduce((sum, [, v]) => sum + v.committed, 0);
              expect(committed, `${a.type} at quiescence`).toBe(1);
            }
            await poll.poll('none');
            const published = poll.published();
            for (const s of poll.agency.all)
              expect(published.get(s.settlementId), `settlement ${s.settlementId}`).toBe(1);
          } finally {
            await h.close();
            await poll.close();
          }
        }),
        {
          numRuns: Number(process.env.MODEL_RUNS ?? 1000),
          // A fixed seed keeps CI repeatable; MODEL_SEED explores others (a failure prints its seed
          // and path: add it here as a regression case).
          seed: Number(process.env.MODEL_SEED ?? 20_261_123),
        },
      );
    },
  );
});
