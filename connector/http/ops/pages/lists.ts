/** Parked events, debt-collection tasks, pollers and the audit log. */
import type {
  AuditEntry,
  DebtCollectionTask,
  ParkedEvent,
} from '../../../../adapters/store/index.ts';
import type { Principal } from '../../env.ts';
import type { Summary } from '../views.ts';
import { pollerTable } from './overview.ts';
import { csrfField, h, layout, when, type Html } from './html.ts';

export function parkedPage(list: ParkedEvent[], p: Principal): Html {
  return layout({
    title: 'Parked events',
    principal: p,
    current: '/ops/parked',
    body: h`<table><thead><tr><th>Parked since</th><th>Source</th><th>Invoice</th><th>Type</th><th>Message id</th><th>Reason</th></tr></thead><tbody>
${list.length === 0 ? h`<tr><td colspan="6" class="muted">Nothing parked.</td></tr>` : ''}
${list.map((e) => h`<tr><td>${when(e.parkedAt)}</td><td>${e.source}</td><td>${e.invoiceNumber}</td><td>${e.type}</td><td>${e.messageId}</td><td>${e.reason}</td></tr>`)}
</tbody></table>`,
  });
}

export function tasksPage(list: DebtCollectionTask[], p: Principal, flash?: string): Html {
  const operator = p.role === 'operator';
  const cancellable = (t: DebtCollectionTask) =>
    t.state === 'PENDING_APPROVAL' || t.state === 'APPROVED' || t.state === 'SENT';
  return layout({
    title: 'Debt-collection tasks',
    principal: p,
    current: '/ops/tasks',
    flash,
    body: h`<form method="post" action="/ops/tasks/approve">${csrfField(p)}
<table><thead><tr>${operator ? h`<th></th>` : ''}<th>Requested</th><th>Source</th><th>Invoice</th><th>State</th><th>Sent</th><th>Last check</th></tr></thead><tbody>
${list.length === 0 ? h`<tr><td colspan="7" class="muted">No tasks.</td></tr>` : ''}
${list.map((t) => h`<tr>${operator ? h`<td>${t.state === 'PENDING_APPROVAL' ? h`<input type="checkbox" name="ids" value="${t.id}" aria-label="select ${t.id}">` : ''}</td>` : ''}<td>${when(t.requestedAt)}</td><td>${t.source}</td><td>${t.invoiceNumber}</td><td>${t.state}</td><td>${when(t.sentAt)}</td><td>${when(t.lastCheckedAt)}</td></tr>`)}
</tbody></table>${operator ? h`<p><button class="primary">Approve selected</button></p>` : ''}</form>
${operator ? h`<h2>Cancel a task</h2>${list.filter(cancellable).map((t) => h`<form method="post" action="/ops/tasks/${encodeURIComponent(t.id)}/cancel">${csrfField(p)}${t.invoiceNumber} (${t.state}) <input name="reason" required maxlength="300" placeholder="reason" aria-label="cancel reason for ${t.invoiceNumber}"> <button>Cancel</button></form>`)}` : ''}`,
  });
}

export function pollersPage(pollers: Summary['pollers'], p: Principal, flash?: string): Html {
  const run =
    p.role === 'operator'
      ? (name: string) =>
          h`<form method="post" action="/ops/pollers/${encodeURIComponent(name)}/run" class="inline">${csrfField(p)}<button>Run now</button></form>`
      : null;
  return layout({
    title: 'Pollers',
    principal: p,
    current: '/ops/pollers',
    flash,
    body: pollerTable(pollers, run),
  });
}

export function auditPage(list: AuditEntry[], p: Principal): Html {
  return layout({
    title: 'Audit log',
    principal: p,
    current: '/ops/audit',
    body: h`<table><thead><tr><th>At</th><th>Who</th><th>Action</th><th>Target</th><th>Detail</th></tr></thead><tbody>
${list.length === 0 ? h`<tr><td colspan="5" class="muted">No operator actions yet.</td></tr>` : ''}
${list.map((a) => h`<tr><td>${when(a.at)}</td><td>${a.actor}</td><td>${a.action}</td><td>${a.target}</td><td>${a.detail}</td></tr>`)}
</tbody></table>`,
  });
}
