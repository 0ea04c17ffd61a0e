/**
 * Admin endpoints under `/_sim` (no API key, no faults): move the clock, make a debtor pay,
 * run a settlement, read the state, change faults, reset.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { SimHttpError } from './http-error.ts';
import type { SimEnv } from './runtime.ts';
import type { FaultSettings } from './settings.ts';
import type { SimStateView } from './state-view.ts';
import type { WirePayment, WireSettlement } from './wire-types.ts';

/** What the admin routes need from the simulator. */
export interface AdminOps {
  now(): Date;
  advance(ms: number): WireSettlement[];
  pay(
    invoiceNumber: string,
    amount: string,
    options: { date?: string; reference?: string; account?: string },
  ): WirePayment;
  runSettlement(): WireSettlement[];
  state(): SimStateView;
  faults(): FaultSettings;
  setFaults(update: Partial<FaultSettings>): void;
  reset(): void;
}

const advanceBody = z.union([
  z.strictObject({ days: z.number().min(0) }),
  z.strictObject({ ms: z.number().int().min(0) }),
]);

const payBody = z.strictObject({
  invoiceNumber: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]),
  amount: z.union([z.string(), z.number()]),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  reference: z.string().optional(),
  /** Account id (`acct-1` …); default the first. */
  account: z.string().optional(),
});

async function parseBody<T>(
  c: { req: { json(): Promise<unknown> } },
  schema: z.ZodType<T>,
): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new SimHttpError(400, 'Malformed JSON body');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new SimHttpError(
      400,
      'Validation failed',
      result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
  return result.data;
}

export function adminRoutes(ops: AdminOps): Hono<SimEnv> {
  const admin = new Hono<SimEnv>();
  admin.post('/clock/advance', async (c) => {
    const body = await parseBody(c, advanceBody);
    const ms = 'days' in body ? Math.round(body.days * 86_400_000) : body.ms;
    const settlements = ops.advance(ms);
    return c.json({ now: ops.now().toISOString(), settlements });
  });
  admin.get('/clock', (c) => c.json({ now: ops.now().toISOString() }));
  admin.post('/payments', async (c) => {
    const body = await parseBody(c, payBody);
    const payment = ops.pay(String(body.invoiceNumber), String(body.amount), body);
    return c.json(payment);
  });
  admin.post('/settlement-run', (c) => c.json({ settlements: ops.runSettlement() }));
  admin.get('/state', (c) => {
    const view = ops.state();
    if (c.req.query('summary') === 'true') {
      return c.json({
        now: view.now,
        invoices: view.invoices.length,
        cases: view.cases.length,
        actions: view.actions.length,
        payments: view.payments.length,
        settlements: view.settlements.length,
        requestCounts: view.requestCounts,
      });
    }
    return c.json(view);
  });
  admin.get('/faults', (c) => c.json(ops.faults()));
  admin.put('/faults', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new SimHttpError(400, 'Malformed JSON body');
    }
    try {
      ops.setFaults(body as Partial<FaultSettings>);
    } catch (err) {
      if (err instanceof z.ZodError) {
        throw new SimHttpError(
          400,
          'Validation failed',
          err.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        );
      }
      throw err;
    }
    return c.json(ops.faults());
  });
  admin.post('/reset', (c) => {
    ops.reset();
    return c.json({ reset: true, now: ops.now().toISOString() });
  });
  return admin;
}
