/**
 * Jepsen-style checks for the reliability tests (RELIABILITY.md §3.4, §5.3), independent of the
 * code under test: the simulator's ledger against the workload (lost, duplicated and unexpected
 * effects per business key), the results on `agency.events` per inbound event, and the
 * connector's SQLite store file read directly (inbox states, dead letters, outbox rows).
 */
import { DatabaseSync } from 'node:sqlite';
import type { ConsumeMessage } from 'amqplib';
import type { SimStateView } from '../../adapters/agency/simulator/index.ts';

export interface ExpectedAction {
  invoiceNumber: string;
  /** The inbound event id: the connector writes `[erp:<id>]` into the action's comment. */
  eventId: string;
}

export interface KeyTally {
  expected: number;
  /** Keys with exactly one committed effect. */
  once: number;
  missing: string[];
  duplicated: string[];
  /** Effects at the agency that no inbound event asked for. */
  unexpected: string[];
}

export interface EffectsReport {
  invoices: KeyTally;
  actions: KeyTally & {
    /** Committed actions the agency did not apply (REJECTED, or not yet applied). */
    notApplied: string[];
  };
  /** Invoices whose case shows more direct payments than payment events asked for. */
  paymentsTwice: string[];
}

const MARKER = /\[erp:([^\]]+)\]/u;

/** Effects per business key at the agency: invoices by number, actions by `[erp:<id>]` marker. */
export function checkEffects(
  state: SimStateView,
  expected: { invoices: string[]; actions: ExpectedAction[]; directPayments?: ExpectedAction[] },
): EffectsReport {
  const wantedInvoices = new Set(expected.invoices);
  const invoices: KeyTally = {
    expected: wantedInvoices.size,
    once: 0,
    missing: [],
    duplicated: [],
    unexpected: [],
  };
  for (const n of wantedInvoices) {
    const committed = state.invoiceCreates[n]?.committed ?? 0;
    if (committed === 0) invoices.missing.push(n);
    else if (committed > 1) invoices.duplicated.push(n);
    else invoices.once += 1;
  }
  for (const [n, t] of Object.entries(state.invoiceCreates)) {
    if (t.committed > 0 && !wantedInvoices.has(n)) invoices.unexpected.push(n);
  }

  const byEvent = new Map<string, { committed: number; applied: number }>();
  for (const [key, t] of Object.entries(state.actionsByKey)) {
    const id = MARKER.exec(key)?.[1];
    if (!id) continue;
    const sum = byEvent.get(id) ?? { committed: 0, applied: 0 };
    sum.committed += t.committed;
    sum.applied += t.applied;
    byEvent.set(id, sum);
  }
  const wantedActions = new Set(expected.actions.map((a) => a.eventId));
  const actions: EffectsReport['actions'] = {
    expected: wantedActions.size,
    once: 0,
    missing: [],
    duplicated: [],
    unexpected: [],
    notApplied: [],
  };
  for (const id of wantedActions) {
    const t = byEvent.get(id) ?? { committed: 0, applied: 0 };
    if (t.committed === 0) actions.missing.push(id);
    else if (t.committed > 1) actions.duplicated.push(id);
    else actions.once += 1;
    if (t.committed > 0 && t.applied !== t.committed) actions.notApplied.push(id);
  }
  for (const [id, t] of byEvent) {
    if (t.committed > 0 && !wantedActions.has(id)) actions.unexpected.push(id);
  }

  const paymentsTwice: string[] = [];
  const wantedPayments = new Map<string, number>();
  for (const p of expected.directPayments ?? []) {
    wantedPayments.set(p.invoiceNumber, (wantedPayments.get(p.invoiceNumber) ?? 0) + 1);
  }
  for (const c of state.cases) {
    const n = String(c.summary.invoiceNumber);
    const direct = c.payments.filter((p) => p.source === 'DIRECT').length;
    if (direct > (wantedPayments.get(n) ?? 0)) paymentsTwice.push(n);
  }
  return { invoices, actions, paymentsTwice };
}

export interface ResultsReport {
  /** Inbound events without any result on agency.events. */
  missing: string[];
  /** Inbound events with results under more than one message id, or of an unexpected type. */
  conflicting: string[];
  /** Result messages received (copies with the same id included). */
  copies: number;
  /** Distinct result message ids. */
  distinct: number;
}

interface ResultEnvelope {
  id: string;
  type: string;
  causationid?: string;
  data: Record<string, unknown>;
}

export function parseResult(m: ConsumeMessage): ResultEnvelope {
  return JSON.parse(m.content.toString('utf8')) as ResultEnvelope;
}

/** One result per inbound event (copies allowed when they carry the same message id). */
export function checkResults(
  messages: ConsumeMessage[],
  events: { id: string; resultTypes: string[] }[],
): ResultsReport {
  const byCause = new Map<string, { ids: Set<string>; types: Set<string> }>();
  const distinct = new Set<string>();
  for (const m of messages) {
    const e = parseResult(m);
    distinct.add(e.id);
    if (!e.causationid) continue;
    const entry = byCause.get(e.causationid) ?? { ids: new Set(), types: new Set() };
    entry.ids.add(e.id);
    entry.types.add(e.type);
    byCause.set(e.causationid, entry);
  }
  const report: ResultsReport = {
    missing: [],
    conflicting: [],
    copies: messages.length,
    distinct: distinct.size,
  };
  for (const e of events) {
    const got = byCause.get(e.id);
    if (!got) report.missing.push(e.id);
    else if (got.ids.size !== 1 || ![...got.types].every((t) => e.resultTypes.includes(t)))
      report.conflicting.push(e.id);
  }
  return report;
}

/** Causation ids that have a result on agency.events so far. */
export function answeredIds(messages: ConsumeMessage[]): Set<string> {
  const out = new Set<string>();
  for (const m of messages) {
    const cause = parseResult(m).causationid;
    if (cause) out.add(cause);
  }
  return out;
}

export interface StoreFacts {
  inboxByState: Record<string, number>;
  inbox: Map<string, { state: string; outcome: string | null; attempts: number }>;
  /** message ids with more than one inbox row (the primary key should make this 0). */
  inboxDuplicateRows: number;
  deadLetters: { messageId: string | null; reason: string; detail: string; attempts: number }[];
  invoices: Map<string, { status: string; caseId: string | null; paidAmount: string }>;
  outbox: {
    id: string;
    routingKey: string;
    state: string;
    body: string;
    attempts: number;
    lastError: string | null;
  }[];
}

/** Reads the connector's SQLite store file directly (read-only), not through the Store code. */
export function readStoreFile(file: string): StoreFacts {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const inboxRows = db
      .prepare('SELECT message_id, state, outcome, attempts FROM inbox')
      .all() as { message_id: string; state: string; outcome: string | null; attempts: number }[];
    const inbox = new Map<string, { state: string; outcome: string | null; attempts: number }>();
    const inboxByState: Record<string, number> = {};
    for (const r of inboxRows) {
      inbox.set(r.message_id, { state: r.state, outcome: r.outcome, attempts: r.attempts });
      inboxByState[r.state] = (inboxByState[r.state] ?? 0) + 1;
    }
    const dup = db
      .prepare(
        'SELECT COUNT(*) AS n FROM (SELECT message_id FROM inbox GROUP BY message_id HAVING COUNT(*) > 1)',
      )
      .get() as { n: number };
    const deadLetters = (
      db.prepare('SELECT message_id, reason, detail, attempts FROM dead_letters').all() as {
        message_id: string | null;
        reason: string;
        detail: string;
        attempts: number;
      }[]
    ).map((r) => ({
      messageId: r.message_id,
      reason: r.reason,
      detail: r.detail,
      attempts: r.attempts,
    }));
    const outbox = (
      db
        .prepare(
          'SELECT id, routing_key, state, body, attempts, last_error FROM outbox ORDER BY seq',
        )
        .all() as {
        id: string;
        routing_key: string;
        state: string;
        body: string;
        attempts: number;
        last_error: string | null;
      }[]
    ).map((r) => ({
      id: r.id,
      routingKey: r.routing_key,
      state: r.state,
      body: r.body,
      attempts: r.attempts,
      lastError: r.last_error,
    }));
    const invoices = new Map(
      (
        db.prepare('SELECT invoice_number, status, case_id, paid_amount FROM invoices').all() as {
          invoice_number: string;
          status: string;
          case_id: string | null;
          paid_amount: string;
        }[]
      ).map((r) => [
        r.invoice_number,
        { status: r.status, caseId: r.case_id, paidAmount: r.paid_amount },
      ]),
    );
    return { inboxByState, inbox, inboxDuplicateRows: dup.n, deadLetters, invoices, outbox };
  } finally {
    db.close();
  }
}

/** Short text for a list of offending keys in an assertion message or a summary line. */
export function sample(keys: string[], max = 5): string {
  return keys.length === 0
    ? '0'
    : `${keys.length} (${keys.slice(0, max).join(', ')}${keys.length > max ? ', …' : ''})`;
}
