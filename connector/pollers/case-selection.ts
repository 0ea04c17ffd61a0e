/**
 * Which cases one case poll reads, within `caseMaxCallsPerRun` calls (budget B):
 * 1. The rotation share: the longest unchecked open cases (never checked first), at least
 *    ceil(open / caseFullCycleRuns) of them, so every open case is read at least once per
 *    `caseFullCycleRuns` runs (100,000 open, B = 10,000, 10 runs: the whole budget rotates).
 * 2. What the rotation leaves of B goes to the likeliest to have changed: cases with activity
 *    since their last check (an action, a payment the payment poll saw), then cases past their due
 *    date (stages and interest move), each longest unchecked first.
 * 3. Anything still left: the next longest unchecked.
 * Closed cases are never selected (`openCasesOnly`).
 */
import type { InvoiceRecord, Store } from '../../adapters/store/index.ts';

export interface CaseSelection {
  cases: InvoiceRecord[];
  open: number;
  rotation: number;
  priority: number;
}

export async function selectCases(
  store: Store,
  budget: number,
  fullCycleRuns: number,
  today: string,
): Promise<CaseSelection> {
  const open = await store.countInvoices({ openCasesOnly: true });
  const rotationQuota = Math.min(budget, Math.ceil(open / fullCycleRuns));
  const chosen = new Map<string, InvoiceRecord>();
  const key = (i: InvoiceRecord) => `${i.source}\u0000${i.invoiceNumber}`;
  const take = (rows: InvoiceRecord[], max: number): number => {
    let n = 0;
    for (const row of rows) {
      if (chosen.size >= budget || n >= max) break;
      if (chosen.has(key(row))) continue;
      chosen.set(key(row), row);
      n += 1;
    }
    return n;
  };
  const rotation = take(
    await store.listInvoices({ openCasesOnly: true, limit: rotationQuota }),
    rotationQuota,
  );
  let priority = 0;
  let left = budget - chosen.size;
  if (left > 0) {
    priority += take(
      await store.listInvoices({
        openCasesOnly: true,
        activitySinceCheckOnly: true,
        limit: left + rotation,
      }),
      left,
    );
  }
  left = budget - chosen.size;
  if (left > 0) {
    priority += take(
      await store.listInvoices({ openCasesOnly: true, dueBefore: today, limit: left + rotation }),
      left,
    );
  }
  left = budget - chosen.size;
  if (left > 0) {
    take(await store.listInvoices({ openCasesOnly: true, limit: budget }), left);
  }
  return { cases: [...chosen.values()], open, rotation, priority };
}
