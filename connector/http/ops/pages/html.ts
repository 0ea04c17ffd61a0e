/**
 * Server-rendered HTML with hono/html: every interpolated value is escaped (payload text
 * included); only fragments built by `h` itself pass through. No inline scripts or styles: the
 * CSP forbids both, and the pages work without JavaScript.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Principal } from '../../env.ts';

export type Html = HtmlEscapedString;

export function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return html(strings, ...values) as Html;
}

export const NAV = [
  ['/ops', 'Overview'],
  ['/ops/dead-letters', 'Dead letters'],
  ['/ops/parked', 'Parked'],
  ['/ops/tasks', 'Tasks'],
  ['/ops/pollers', 'Pollers'],
  ['/ops/audit', 'Audit'],
] as const;

export const FLASH: Record<string, string> = {
  replayed: 'Replayed: the message is back in its inbound queue.',
  discarded: 'Dead letter discarded.',
  approved: 'Task approved.',
  'approved-many': 'Selected tasks approved.',
  cancelled: 'Task cancelled.',
  'poller-started': 'Poller run started.',
};

export function csrfField(p: Principal | undefined): Html {
  return p?.csrf ? h`<input type="hidden" name="csrf" value="${p.csrf}">` : h``;
}

export function when(iso: string | null | undefined): Html {
  if (!iso) return h`<span class="muted">–</span>`;
  return h`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 19)}</time>`;
}

export function layout(input: {
  title: string;
  principal?: Principal | undefined;
  current?: string;
  flash?: string | undefined;
  refreshSeconds?: number;
  body: Html;
}): Html {
  const p = input.principal;
  const flash = input.flash ? FLASH[input.flash] : undefined;
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.refreshSeconds ? h`<meta http-equiv="refresh" content="${input.refreshSeconds}">` : ''}
<title>${input.title} · agency connector</title>
<link rel="stylesheet" href="/ops/assets/ops.css"></head>
<body><header><strong>agency connector</strong>
${
  p
    ? h`<nav>${NAV.map(([href, label]) => h`<a href="${href}"${href === input.current ? h` aria-current="page"` : ''}>${label}</a>`)}</nav>
<form method="post" action="/ops/logout" class="logout">${csrfField(p)}<span class="muted">${p.actor} (${p.role})</span> <button>Log out</button></form>`
    : ''
}
</header><main><h1>${input.title}</h1>
${flash ? h`<p class="flash" role="status">${flash}</p>` : ''}
${input.body}</main></body></html>`;
}

export function loginPage(input: {
  next: string;
  error?: string | undefined;
  status?: string;
}): Html {
  return layout({
    title: 'Log in',
    body: h`${input.error ? h`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="/ops/login" class="login">
<input type="hidden" name="next" value="${input.next}">
<label>Account <input name="username" autocomplete="username" placeholder="empty for OPS_TOKEN"></label>
<label>Password or OPS_TOKEN <input name="password" type="password" autocomplete="current-password" required></label>
<button>Log in</button></form>`,
  });
}
