/**
 * The ops JSON API under `/api/ops` (bearer OPS_TOKEN, or a dashboard session with its CSRF
 * token for writes). Readers and operators may read; only operators may act (403 otherwise).
 * Every action is audited by the service that performs it.
 */
import type { Hono } from 'hono';
import { decodeBody } from '../../contract/index.ts';
import { InvalidMessageError } from '../../errors.ts';
import { auditEntry, OpsActionError } from '../../ops/audit.ts';
import { errorBody, type HttpContext, type HttpEnv } from '../env.ts';
import { limitBody, requireContentType } from '../limits.ts';
import { csrfGuard, requireOperator } from './auth.ts';
import type { OpsOptions } from './options.ts';
import {
  deadLetterFilter,
  deadLetterItem,
  deadLetterStory,
  summary,
  taskState,
  taskView,
} from './views.ts';

const STATUS = { not_found: 404, conflict: 409, invalid: 400, unavailable: 503 } as const;

/** The status of a refused action (OpsActionError, or a service error with the same codes). */
export function actionStatus(err: unknown): 400 | 404 | 409 | 503 | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(STATUS, code)
    ? STATUS[code as keyof typeof STATUS]
    : null;
}

export function actionError(c: HttpContext, err: unknown) {
  const status = actionStatus(err);
  if (status === null || !(err instanceof Error)) throw err;
  return c.json(errorBody(c, err.message), status);
}

async function jsonBody(c: HttpContext, maxBytes: number): Promise<Record<string, unknown>> {
  const raw = Buffer.from(await c.req.arrayBuffer());
  if (raw.length === 0) return {};
  const body = decodeBody(raw, { maxBytes, maxDepth: 8 });
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidMessageError('body must be a JSON object', []);
  }
  return body as Record<string, unknown>;
}

function ids(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string' && x.length <= 200)
    : [];
}

export function createOpsApiRoutes(o: OpsOptions) {
  const maxBytes = o.maxBodyBytes ?? 65_536;
  return (app: Hono<HttpEnv>): void => {
    const deny = (c: HttpContext) => {
      c.header('WWW-Authenticate', 'Bearer realm="ops"');
      return c.json(errorBody(c, 'authentication required'), 401);
    };
    app.use('/api/ops/*', async (c, next) => {
      c.header('Cache-Control', 'no-store');
      await next();
    });
    app.use('/api/ops/*', o.auth.authenticate(deny));
    const write = [
      limitBody(maxBytes),
      requireContentType(['application/json'], true),
      csrfGuard(() => Promise.resolve(undefined)),
      requireOperator(),
    ] as const;
    const act = async (
      c: HttpContext,
      fn: (body: Record<string, unknown>) => Promise<unknown>,
      status: 200 | 202 = 200,
    ) => {
      let body: Record<string, unknown>;
      try {
        body = await jsonBody(c, maxBytes);
      } catch (err) {
        if (err instanceof InvalidMessageError)
          return c.json(errorBody(c, err.message, { issues: err.issues }), 400);
        throw err;
      }
      try {
        return c.json({ ok: true, result: (await fn(body)) ?? null }, status);
      } catch (err) {
        return actionError(c, err);
      }
    };

    app.get('/api/ops/summary', async (c) => c.json(await summary(o)));
    app.get('/api/ops/dead-letters', async (c) => {
      const list = await o.store.listDeadLetters(deadLetterFilter(c.req.query()));
      return c.json({ items: list.map(deadLetterItem) });
    });
    app.get('/api/ops/dead-letters/:id', async (c) => {
      const d = await o.store.getDeadLetter(c.req.param('id'));
      return d ? c.json(deadLetterStory(d)) : c.json(errorBody(c, 'not found'), 404);
    });
    app.post('/api/ops/dead-letters/replay', ...write, (c) =>
      act(c, (b) => Promise.resolve(o.bulk.start(ids(b.ids), c.get('principal').actor)), 202),
    );
    app.get('/api/ops/replay-jobs/:id', async (c) => {
      const job = await o.bulk.progress(c.req.param('id'));
      return job ? c.json(job) : c.json(errorBody(c, 'not found'), 404);
    });
    app.post('/api/ops/dead-letters/:id/replay', ...write, (c) =>
      act(c, () => o.deadLetters.replay(c.req.param('id'), c.get('principal').actor)),
    );
    app.post('/api/ops/dead-letters/:id/discard', ...write, (c) =>
      act(c, async (b) => {
        await o.deadLetters.discard(
          c.req.param('id'),
          c.get('principal').actor,
          typeof b.reason === 'string' ? b.reason : '',
        );
      }),
    );
    app.get('/api/ops/parked', async (c) => {
      const list = await o.store.listParked({ limit: 200 });
      return c.json({ items: list.map(({ body: _body, ...rest }) => rest) });
    });
    app.get('/api/ops/tasks', async (c) => {
      const state = taskState(c.req.query('state'));
      const source = c.req.query('source');
      const items = await o.store.listTasks({
        limit: 200,
        ...(state ? { state } : {}),
        ...(source ? { source } : {}),
      });
      return c.json({ items: items.map(taskView) });
    });
    app.post('/api/ops/tasks/approve', ...write, (c) =>
      act(c, (b) => o.tasks.approveMany(ids(b.ids), c.get('principal').actor)),
    );
    app.post('/api/ops/tasks/:id/approve', ...write, (c) =>
      act(c, () => o.tasks.approve(c.req.param('id'), c.get('principal').actor)),
    );
    app.post('/api/ops/tasks/:id/cancel', ...write, (c) =>
      act(c, (b) => {
        const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
        if (!reason) throw new OpsActionError('invalid', 'a reason is required');
        return o.tasks.cancel(c.req.param('id'), c.get('principal').actor, reason);
      }),
    );
    app.get('/api/ops/pollers', (c) => c.json({ items: o.pollers ? o.pollers.status() : [] }));
    app.post('/api/ops/pollers/:name/run', ...write, (c) =>
      act(
        c,
        async () => {
          const name = c.req.param('name');
          if (!o.pollers?.status().some((p) => p.name === name))
            throw new OpsActionError('not_found', 'no such poller');
          await o.store.commit({ audit: [auditRun(c.get('principal').actor, name)] });
          // Answers when the run has finished, with its summary (calls, events, cursor).
          return { summary: await o.pollers.runNow(name) };
        },
        200,
      ),
    );
    app.get('/api/ops/audit', async (c) => {
      const limit = Math.min(Math.max(Number(c.req.query('limit')) || 100, 1), 500);
      return c.json({ items: await o.store.listAudit({ limit }) });
    });
  };
}

export function auditRun(actor: string, poller: string) {
  return auditEntry({
    actor,
    action: 'poller.run',
    target: poller,
    detail: 'run now requested',
    now: new Date(),
  });
}
