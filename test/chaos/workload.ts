/**
 * The money chaos workload (RELIABILITY.md §5.3): invoice creates, payments, partial credits and
 * withdrawals for one ERP source, in per-invoice order (an invoice's actions follow its create;
 * a few payments come before it, to be parked), with a share published twice by the ERP. Every
 * event carries its business key: the invoice number for creates, the credit note number for
 * credits (a partial credit is a credit-note create), the ERP event id for payments and
 * withdrawals (the connector writes `[erp:<id>]` into the agency action's comment).
 *
 * Mix per N events: ~60% creates, ~30% payments, ~5% credits, ~5% withdrawals. Payments and
 * credits never exceed an invoice's gross (150.00), and withdrawn invoices get neither, so every
 * event is one the agency accepts: any rejection in a run is a finding, not noise.
 */
import { envelope, invoiceData, type TestEvent } from '../helpers/events.ts';

export type ChaosKind = 'create' | 'payment' | 'credit' | 'withdrawal';

export interface ChaosEvent extends TestEvent {
  kind: ChaosKind;
  invoiceNumber: string;
  /** Business key at the agency (see the file header). */
  key: string;
}

export interface ChaosWorkload {
  /** Distinct events (what must each have exactly one effect). */
  events: ChaosEvent[];
  /** Publish order, with the ERP's duplicates (same id, same body). */
  sequence: ChaosEvent[];
  invoiceNumbers: string[];
}

export interface WorkloadOptions {
  /** Distinct events wanted (the sequence adds the duplicates). */
  n: number;
  random: () => number;
  /** Share of events the ERP publishes twice. Default 0.1. */
  duplicateShare?: number;
  /** First invoice number (numeric: the agency's header.number is an integer). */
  firstNumber?: number;
  /** Buyer of every invoice (e.g. canary personal data); default the business buyer. */
  buyer?: Record<string, unknown>;
}

export function chaosWorkload(o: WorkloadOptions): ChaosWorkload {
  const { n, random } = o;
  const duplicateShare = o.duplicateShare ?? 0.1;
  const first = o.firstNumber ?? 800_000;
  const invoices = Math.max(1, Math.round(n * 0.6));
  const payments = Math.round(n * 0.3);
  const credits = Math.round(n * 0.05);
  const withdrawals = Math.max(0, n - invoices - payments - credits);
  const numbers = Array.from({ length: invoices }, (_, i) => String(first + i));
  const buyer = o.buyer ? { buyer: o.buyer } : {};

  const creates = numbers.map((number): ChaosEvent => ({
    ...envelope('acme', 'invoice.created', invoiceData(number, buyer)),
    kind: 'create',
    invoiceNumber: number,
    key: number,
  }));
  // Withdrawn invoices get nothing else; the others share payments (≤ 3 × 10.00) and credits
  // (one 20.00 credit note each at most): at most 50.00 of 150.00, so never the whole amount.
  const withdrawnCount = Math.min(withdrawals, Math.floor(invoices / 3));
  const withdrawn = numbers.slice(0, withdrawnCount);
  const open = numbers.slice(withdrawnCount);
  const actionsOf = new Map<string, ChaosEvent[]>(numbers.map((x) => [x, []]));

  for (const number of withdrawn) {
    const e = envelope('acme', 'invoice.withdrawn', { invoiceNumber: number, reason: 'chaos' });
    actionsOf.get(number)?.push({ ...e, kind: 'withdrawal', invoiceNumber: number, key: e.id });
  }
  const paid = new Map<string, number>();
  for (let i = 0; i < payments && open.length > 0; i++) {
    const number = open[i % open.length]!;
    if ((paid.get(number) ?? 0) >= 3) continue;
    paid.set(number, (paid.get(number) ?? 0) + 1);
    const e = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: number,
      amount: '10.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
      reference: `PAY-${number}-${i}`,
    });
    actionsOf.get(number)?.push({ ...e, kind: 'payment', invoiceNumber: number, key: e.id });
  }
  for (let i = 0; i < credits && i < open.length; i++) {
    const number = open[open.length - 1 - i]!;
    const creditNoteNumber = String(first + invoices + i);
    const e = envelope('acme', 'invoice.credited', {
      invoiceNumber: number,
      creditNoteNumber,
      amount: '20.00',
      currency: 'EUR',
      date: '2026-11-26',
    });
    actionsOf
      .get(number)
      ?.push({ ...e, kind: 'credit', invoiceNumber: number, key: creditNoteNumber });
  }

  // Per-invoice order, invoices interleaved: each invoice's create, then its actions a little
  // later in the stream; 5% of payments are moved just before their create (parked, released).
  const slots: { at: number; event: ChaosEvent }[] = [];
  creates.forEach((create, i) => {
    const at = i;
    const actions = actionsOf.get(create.invoiceNumber) ?? [];
    let early = false;
    if (actions[0]?.kind === 'payment' && random() < 0.05) early = true;
    slots.push({ at: early ? at + 0.5 : at, event: create });
    actions.forEach((a, j) => {
      const before = early && j === 0;
      slots.push({ at: before ? at + 0.25 : at + 3 + random() * 20 + j * 0.01, event: a });
    });
  });
  slots.sort((a, b) => a.at - b.at);
  const ordered = slots.map((s) => s.event);
  const events = [...ordered];
  const sequence: ChaosEvent[] = [];
  for (const e of ordered) {
    sequence.push(e);
    if (random() < duplicateShare) sequence.push(e);
  }
  return { events, sequence, invoiceNumbers: numbers };
}
