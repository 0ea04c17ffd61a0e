/**
 * The partner API routes (spec §5, §6, §13) under `/api/v1/partner`. Handlers run after the
 * partner middleware (auth, faults); each marks the ledger entry committed when it changed state.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { validateCreateActionsRequest, validateCreateInvoiceRequest } from '../request-schema.ts';
import { commitActions, resolveCases } from './actions.ts';
import { today } from './engine.ts';
import { SimHttpError } from './http-error.ts';
import { commitInvoice } from './invoices.ts';
import type { LedgerAction } from './ledger.ts';
import type { CaseRec } from './model.ts';
import {
  findDistributions,
  findPayments,
  findSettlements,
  markFetched,
  readWindow,
} from './queries.ts';
import type { SimEnv, SimRuntime } from './runtime.ts';
import { caseJson, distributionJson, paymentJson, settlementJson } from './wire.ts';
import { isoTime } from './dates.ts';

async function readJson(c: Context<SimEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new SimHttpError(400, 'Malformed JSON body');
  }
}

function invalid(errors: { field: string; message: string }[]): SimHttpError {
  return new SimHttpError(400, 'Validation failed', errors);
}

/** Best-effort copy of the actions for the ledger, before validation. */
function ledgerActions(body: unknown): LedgerAction[] | null {
  const actions = (body as { actions?: unknown } | null)?.actions;
  if (!Array.isArray(actions)) return null;
  return actions.map(
    (a: { code?: unknown; comment?: unknown; data?: Record<string, unknown> } | null) => ({
      code: String(a?.code),
      invoiceNumber: String(a?.data?.invoiceNumber),
      caseId: String(a?.data?.caseId),
      comment: String(a?.comment),
    }),
  );
}

function findCase(rt: SimRuntime, c: Context<SimEnv>): CaseRec {
  const { caseId, invoiceNumber } = c.req.query();
  const account = c.get('account');
  c.get('entry').invoiceNumber = invoiceNumber ?? null;
  if (caseId === undefined && invoiceNumber === undefined) {
    throw new SimHttpError(400, 'Invalid query parameters', [
      { field: 'caseId', message: 'caseId or invoiceNumber is required' },
    ]);
  }
  for (const [name, value] of [
    ['caseId', caseId],
    ['invoiceNumber', invoiceNumber],
  ] as const) {
    if (value !== undefined && !/^\d+$/.test(value)) {
      throw new SimHttpError(400, 'Invalid query parameters', [
        { field: name, message: 'must be a positive integer' },
      ]);
    }
  }
  const found =
    caseId !== undefined
      ? rt.engine.state.casesById.get(Number(caseId))
      : (account.invoices.get(Number(invoiceNumber))?.caseRec ?? undefined);
  const matches =
    found !== undefined &&
    found.invoice.account === account &&
    (invoiceNumber === undefined || String(found.invoice.number) === invoiceNumber);
  if (!matches) throw new SimHttpError(404, 'Case not found');
  return found;
}

export function partnerRoutes(rt: SimRuntime): Hono<SimEnv> {
  const api = new Hono<SimEnv>();

  api.post('/invoice', async (c) => {
    const body = await readJson(c);
    const entry = c.get('entry');
    if (rt.recordBodies) entry.body = body;
    const number = (body as { invoice?: { header?: { number?: unknown } } } | null)?.invoice?.header
      ?.number;
    if (typeof number === 'number') entry.invoiceNumber = String(number);
    const result = validateCreateInvoiceRequest(body);
    if (!result.ok) throw invalid(result.errors);
    const account = c.get('account');
    if (account.invoices.has(result.value.invoice.header.number)) {
      throw new SimHttpError(409, 'Invoice number already exists');
    }
    const inv = commitInvoice(rt.engine, account, result.value);
    entry.committed = true;
    return c.json({ invoiceNumber: inv.number, status: 'ACCEPTED' });
  });

  api.post('/invoice/action', async (c) => {
    const body = await readJson(c);
    const entry = c.get('entry');
    if (rt.recordBodies) entry.body = body;
    entry.actions = ledgerActions(body);
    const result = validateCreateActionsRequest(body);
    if (!result.ok) throw invalid(result.errors);
    const account = c.get('account');
    const cases = resolveCases(rt.engine, account, result.value.actions);
    const recs = commitActions(rt.engine, account, result.value.actions, cases);
    entry.committed = true;
    return c.json({
      accepted: recs.length,
      actions: recs.map((r) => ({ code: r.code, status: 'PENDING' })),
    });
  });

  api.get('/invoice/case', (c) => c.json(caseJson(findCase(rt, c), rt.engine.nowMs)));

  api.get('/invoice/distribution', (c) => {
    const q = c.req.query();
    const params = {
      invoiceNumber: q.invoiceNumber,
      fromInvDate: q.fromInvDate,
      toInvDate: q.toInvDate,
      fetchType: q.fetchType,
    };
    c.get('entry').invoiceNumber = q.invoiceNumber ?? null;
    const { invoices, window } = findDistributions(c.get('account'), params, today(rt.engine));
    return c.json({
      metaData: {
        totalCount: invoices.length,
        successfulCount: invoices.filter((i) => i.distributionStatus === 'DELIVERED').length,
        failedCount: invoices.filter((i) => i.distributionStatus === 'FAILED').length,
        filtersApplied: {
          invoiceNumber: q.invoiceNumber ?? null,
          fromInvDate: window.from,
          toInvDate: window.to,
          fetchType: q.fetchType ?? null,
          defaultLast30Days: window.defaulted,
        },
      },
      distributions: invoices.map(distributionJson),
    });
  });

  api.get('/payments', (c) => {
    const { fromDate, toDate } = c.req.query();
    const window = readWindow(
      { from: fromDate, to: toDate },
      { from: 'fromDate', to: 'toDate' },
      today(rt.engine),
    );
    return c.json(findPayments(c.get('account'), window).map(paymentJson));
  });

  api.get('/settlements', (c) => {
    const { fromDate, toDate, unfetchedOnly } = c.req.query();
    if (unfetchedOnly !== undefined && unfetchedOnly !== 'true' && unfetchedOnly !== 'false') {
      throw new SimHttpError(400, 'Invalid query parameters', [
        { field: 'unfetchedOnly', message: 'must be true or false' },
      ]);
    }
    const account = c.get('account');
    const found = findSettlements(
      account,
      { fromDate, toDate, unfetchedOnly: unfetchedOnly === 'true' },
      today(rt.engine),
    );
    const body = { createdAt: isoTime(rt.engine.nowMs), settlements: found.map(settlementJson) };
    markFetched(account, found, rt.engine.nowMs);
    c.get('entry').committed = found.length > 0;
    return c.json(body);
  });

  api.get('/validate', (c) => c.json({ isValid: true, message: 'Token is valid' }));

  api.get('/renew', (c) => {
    const key = rt.newKey();
    rt.engine.state.accountsByKey.set(key, c.get('account'));
    c.get('entry').committed = true;
    return c.json({ Message: key });
  });

  return api;
}
