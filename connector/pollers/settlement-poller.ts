/**
 * The settlement poll (GET /settlements, agency-api §6.2). `unfetchedOnly=true` reads are
 * destructive (the agency marks what it returned as fetched), so every settlement is stored as
 * news (unpublished) in one commit right after the read, before anything else happens to it.
 * Then each is turned into its events (`settlement-rows.ts`) and committed with its news marked
 * published; then published. A run first finishes what an earlier run stored but did not publish,
 * and ends with a plain date-window read (`settlementsReconcileDays`) that stores and publishes any
 * settlement it has never seen: a crash between a destructive read and the store loses nothing.
 */
import type { Settlement } from '../../adapters/agency/index.ts';
import type { DebtCollectionTask, NewsItem, StoreChanges } from '../../adapters/store/index.ts';
import { addDays, createCallCounter, freshWith, isoDate } from './poll-support.ts';
import { settlementRows } from './settlement-rows.ts';
import type { PollerDeps, RunOutcome } from './types.ts';

export const SETTLEMENTS_CURSOR = 'poller:settlements';
const KIND = 'settlement';
/** Settlements per commit (their events, task updates and news marks are one transaction). */
const BATCH = 50;

export async function runSettlementPoll(deps: PollerDeps): Promise<RunOutcome> {
  const { store, config } = deps;
  const counter = createCallCounter();
  const detail = {
    recovered: 0,
    fetched: 0,
    reconciled: 0,
    discrepancies: 0,
    allocations: 0,
  };
  let events = 0;
  const stopped = () => deps.signal.aborted;

  /** Turns settlements into events: one commit (events + news marked published) per batch. */
  async function publish(batch: Settlement[]): Promise<void> {
    if (batch.length === 0) return;
    const now = deps.now();
    const changes: Required<Pick<StoreChanges, 'tasks' | 'invoices' | 'deadLetters' | 'outbox'>> = {
      tasks: [],
      invoices: [],
      deadLetters: [],
      outbox: [],
    };
    const tasks = new Map<string, DebtCollectionTask>();
    for (const settlement of batch) {
      const rows = await settlementRows(deps, settlement, now, tasks);
      changes.invoices.push(...(rows.changes.invoices ?? []));
      changes.deadLetters.push(...(rows.changes.deadLetters ?? []));
      changes.outbox.push(...rows.outbox);
      events += rows.events;
      detail.allocations += settlement.allocations.length;
      if (rows.discrepancy) {
        detail.discrepancies += 1;
        deps.logger.warn(
          { settlementId: settlement.settlementId, discrepancy: rows.discrepancy },
          'settlement does not add up: published with discrepancy, dead letter for operators',
        );
      }
    }
    changes.tasks = [...tasks.values()];
    await store.commit({
      ...changes,
      invoices: await freshWith(store, changes.invoices, ['lastActivityAt', 'updatedAt']),
      newsPublished: batch.map((s) => ({ kind: KIND, key: s.settlementId, at: now.toISOString() })),
    });
    await deps.relay.publishRows(changes.outbox);
  }

  /** Publishes in batches of BATCH, stopping between batches when asked to. */
  async function publishAll(settlements: Settlement[]): Promise<number> {
    let done = 0;
    for (let i = 0; i < settlements.length && !stopped(); i += BATCH) {
      const batch = settlements.slice(i, i + BATCH);
      await publish(batch);
      done += batch.length;
    }
    return done;
  }

  async function storeFetched(settlements: Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const at = deps.now().toISOString();
    const news: NewsItem[] = settlements.map((s) => ({
      kind: KIND,
      key: s.settlementId,
      body: s,
      receivedAt: at,
      publishedAt: null,
    }));
    await store.commit({ news });
  }

  // 1. What an earlier run stored but did not publish.
  for (;;) {
    const left = await store.unpublishedNews(KIND, 100);
    if (left.length === 0 || stopped()) break;
    detail.recovered += await publishAll(left.map((item) => item.body as Settlement));
  }
  // 2. The incremental (destructive) read: stored first, then published.
  if (!stopped()) {
    const fetched = await counter.count(
      deps.agency.getSettlements(
        { unfetchedOnly: true },
        { priority: 'poll', signal: deps.signal },
      ),
    );
    await storeFetched(fetched);
    detail.fetched = fetched.length;
    await publishAll(fetched);
  }
  // 3. Reconcile: a plain date-window read; anything never seen is stored and published.
  const today = isoDate(deps.now());
  const window = {
    fromDate: addDays(today, -config.pollers.settlementsReconcileDays),
    toDate: today,
  };
  if (!stopped()) {
    const listed = await counter.count(
      deps.agency.getSettlements(window, { priority: 'poll', signal: deps.signal }),
    );
    const unseen: Settlement[] = [];
    for (const s of listed) if (!(await store.getNews(KIND, s.settlementId))) unseen.push(s);
    await storeFetched(unseen);
    detail.reconciled += await publishAll(unseen);
  }
  const cursor = { reconciledWindow: window, lastRunAt: deps.now().toISOString() };
  await store.commit({
    cursors: [{ name: SETTLEMENTS_CURSOR, value: cursor, updatedAt: deps.now().toISOString() }],
  });
  return { calls: counter.calls, events, cursor, detail, stopped: stopped() };
}
