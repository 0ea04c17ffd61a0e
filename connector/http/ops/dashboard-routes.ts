/**
 * The ops dashboard under `/ops`: server-rendered pages (readable without JavaScript), forms
 * that post back with the session's CSRF token and redirect (post/redirect/get). Without a
 * session every page answers 401 with the login form; only the login form and the stylesheet
 * are open.
 */
import type { Hono } from 'hono';
import { OpsActionError } from '../../ops/audit.ts';
import type { HttpContext, HttpEnv } from '../env.ts';
import { limitBody, requireContentType } from '../limits.ts';
import { actionStatus, auditRun } from './api-routes.ts';
import { csrfGuard, requireOperator, sameOrigin } from './auth.ts';
import { OPS_CSS } from './pages/assets.ts';
import { deadLetterPage, deadLettersPage, replayJobPage } from './pages/dead-letters.ts';
import { h, layout, loginPage } from './pages/html.ts';
import { auditPage, parkedPage, pollersPage, tasksPage } from './pages/lists.ts';
import { overviewPage } from './pages/overview.ts';
import type { OpsOptions } from './options.ts';
import { deadLetterFilter, summary } from './views.ts';

/** Routes reachable without a session (the route-table auth test allows exactly these). */
export const PUBLIC_OPS_ROUTES = ['GET /ops/login', 'POST /ops/login', 'GET /ops/assets/ops.css'];

const FORM = ['application/x-www-form-urlencoded'];

function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/ops(\/[\w\-/.%]*)?(\?[\w=&%.-]*)?$/.test(v) ? v : '/ops';
}

async function form(c: HttpContext): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const many = (v: string | string[] | undefined) =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

export function createDashboardRoutes(o: OpsOptions) {
  const maxBytes = o.maxBodyBytes ?? 65_536;
  return (app: Hono<HttpEnv>): void => {
    app.get('/ops/assets/ops.css', (c) =>
      c.body(OPS_CSS, 200, {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'max-age=300',
      }),
    );
    app.get('/ops/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })));
    app.post('/ops/login', limitBody(8_192), requireContentType(FORM), async (c) => {
      const blocked = o.auth.tooMany(c);
      if (blocked) return blocked;
      if (!sameOrigin(c))
        return c.html(loginPage({ next: '/ops', error: 'Cross-site login refused.' }), 403);
      const f = await form(c);
      const principal = await o.auth.checkLogin(c, one(f.username).trim(), one(f.password));
      if (!principal) {
        return c.html(
          loginPage({ next: safeNext(one(f.next)), error: 'Wrong account or password.' }),
          401,
        );
      }
      o.auth.startSession(c, principal);
      return c.redirect(safeNext(one(f.next)), 303);
    });

    app.use('/ops/*', async (c, next) => {
      c.header('Cache-Control', 'no-store');
      await next();
    });
    const deny = (c: HttpContext) => {
      const path = new URL(c.req.url).pathname;
      return c.html(loginPage({ next: safeNext(c.req.method === 'GET' ? path : '/ops') }), 401);
    };
    const isPublic = (c: HttpContext) =>
      PUBLIC_OPS_ROUTES.includes(`${c.req.method} ${new URL(c.req.url).pathname}`);
    for (const path of ['/ops', '/ops/*']) app.use(path, o.auth.authenticate(deny, isPublic));
    const write = [
      limitBody(maxBytes),
      requireContentType(FORM),
      csrfGuard(async (c) => one((await form(c)).csrf)),
    ] as const;
    const act = async (c: HttpContext, fn: () => Promise<unknown>, done: string) => {
      try {
        await fn();
        return c.redirect(done, 303);
      } catch (err) {
        const status = actionStatus(err);
        if (status === null || !(err instanceof Error)) throw err;
        return c.html(
          layout({
            title: 'Not done',
            principal: c.get('principal'),
            body: h`<p class="error" role="alert">${err.message}</p><p><a href="/ops">Back</a></p>`,
          }),
          status,
        );
      }
    };
    const flash = (c: HttpContext) => c.req.query('flash');
    const actor = (c: HttpContext) => c.get('principal').actor;

    app.post('/ops/logout', ...write, (c) => {
      o.auth.endSession(c);
      return c.redirect('/ops/login', 303);
    });
    app.get('/ops', async (c) =>
      c.html(overviewPage(await summary(o), c.get('principal'), flash(c))),
    );
    app.get('/ops/dead-letters', async (c) => {
      const q = c.req.query();
      return c.html(
        deadLettersPage(
          await o.store.listDeadLetters(deadLetterFilter(q)),
          q,
          c.get('principal'),
          flash(c),
        ),
      );
    });
    app.get('/ops/dead-letters/:id', async (c) => {
      const d = await o.store.getDeadLetter(c.req.param('id'));
      if (!d)
        return c.html(
          layout({
            title: 'Not found',
            principal: c.get('principal'),
            body: h`<p>No such dead letter.</p>`,
          }),
          404,
        );
      return c.html(deadLetterPage(d, c.get('principal'), flash(c)));
    });
    app.post('/ops/dead-letters/replay', ...write, requireOperator(), async (c) => {
      const ids = many((await form(c)).ids);
      let jobId = '';
      const res = await act(
        c,
        () => Promise.resolve((jobId = o.bulk.start(ids, actor(c)).id)),
        '/ops',
      );
      return jobId ? c.redirect(`/ops/replay-jobs/${jobId}`, 303) : res;
    });
    app.get('/ops/replay-jobs/:id', async (c) => {
      const job = await o.bulk.progress(c.req.param('id'));
      if (!job)
        return c.html(
          layout({
            title: 'Not found',
            principal: c.get('principal'),
            body: h`<p>No such job (jobs live in one instance's memory).</p>`,
          }),
          404,
        );
      return c.html(replayJobPage(job, c.get('principal')));
    });
    app.post('/ops/dead-letters/:id/replay', ...write, requireOperator(), (c) =>
      act(
        c,
        () => o.deadLetters.replay(c.req.param('id'), actor(c)),
        '/ops/dead-letters?flash=replayed',
      ),
    );
    app.post('/ops/dead-letters/:id/discard', ...write, requireOperator(), async (c) => {
      const reason = one((await form(c)).reason);
      return act(
        c,
        () => o.deadLetters.discard(c.req.param('id'), actor(c), reason),
        '/ops/dead-letters?flash=discarded',
      );
    });
    app.get('/ops/parked', async (c) =>
      c.html(parkedPage(await o.store.listParked({ limit: 200 }), c.get('principal'))),
    );
    app.get('/ops/tasks', async (c) =>
      c.html(tasksPage(await o.store.listTasks({ limit: 200 }), c.get('principal'), flash(c))),
    );
    app.post('/ops/tasks/approve', ...write, requireOperator(), async (c) => {
      const ids = many((await form(c)).ids);
      return act(c, () => o.tasks.approveMany(ids, actor(c)), '/ops/tasks?flash=approved-many');
    });
    app.post('/ops/tasks/:id/approve', ...write, requireOperator(), (c) =>
      act(c, () => o.tasks.approve(c.req.param('id'), actor(c)), '/ops/tasks?flash=approved'),
    );
    app.post('/ops/tasks/:id/cancel', ...write, requireOperator(), async (c) => {
      const reason = one((await form(c)).reason).trim();
      return act(
        c,
        () => {
          if (!reason) throw new OpsActionError('invalid', 'a reason is required');
          return o.tasks.cancel(c.req.param('id'), actor(c), reason);
        },
        '/ops/tasks?flash=cancelled',
      );
    });
    app.get('/ops/pollers', (c) =>
      c.html(pollersPage(o.pollers ? o.pollers.status() : [], c.get('principal'), flash(c))),
    );
    app.post('/ops/pollers/:name/run', ...write, requireOperator(), (c) =>
      act(
        c,
        async () => {
          const name = c.req.param('name');
          if (!o.pollers?.status().some((p) => p.name === name))
            throw new OpsActionError('not_found', 'no such poller');
          await o.store.commit({ audit: [auditRun(actor(c), name)] });
          void o.pollers.runNow(name).catch(() => undefined);
        },
        '/ops/pollers?flash=poller-started',
      ),
    );
    app.get('/ops/audit', async (c) =>
      c.html(auditPage(await o.store.listAudit({ limit: 200 }), c.get('principal'))),
    );
  };
}
