/** Dead-letter pages: the filtered list (bulk replay of a selection), one letter's story, a replay job. */
import type { DeadLetter } from '../../../../adapters/store/index.ts';
import type { BulkReplayProgress } from '../../../ops/bulk-replay.ts';
import type { Principal } from '../../env.ts';
import { deadLetterStory } from '../views.ts';
import { csrfField, h, layout, when, type Html } from './html.ts';

export function deadLettersPage(
  list: DeadLetter[],
  q: Record<string, string | undefined>,
  p: Principal,
  flash?: string,
): Html {
  const operator = p.role === 'operator';
  const field = (name: string, label: string, type = 'text') =>
    h`<label>${label}<input name="${name}" type="${type}" value="${q[name] ?? ''}"></label>`;
  const statuses = ['OPEN', 'REPLAYED', 'DISCARDED', 'ALL'];
  return layout({
    title: 'Dead letters',
    principal: p,
    current: '/ops/dead-letters',
    flash,
    body: h`<form method="get" action="/ops/dead-letters" class="filters">
${field('source', 'Source')}${field('type', 'Type')}${field('reason', 'Reason')}${field('from', 'From', 'date')}${field('to', 'To', 'date')}
<label>Status<select name="status">${statuses.map((s) => h`<option${(q.status ?? 'OPEN') === s ? h` selected` : ''}>${s}</option>`)}</select></label>
<button>Filter</button></form>
<form method="post" action="/ops/dead-letters/replay">${csrfField(p)}
<table><thead><tr>${operator ? h`<th></th>` : ''}<th>Dead since</th><th>Source</th><th>Type</th><th>Invoice</th><th>Reason</th><th>Attempts</th><th>Status</th></tr></thead><tbody>
${list.length === 0 ? h`<tr><td colspan="8" class="muted">No dead letters match.</td></tr>` : ''}
${list.map(
  (
    d,
  ) => h`<tr>${operator ? h`<td>${d.status === 'OPEN' ? h`<input type="checkbox" name="ids" value="${d.id}" aria-label="select ${d.id}">` : ''}</td>` : ''}
<td><a href="/ops/dead-letters/${encodeURIComponent(d.id)}">${when(d.deadAt)}</a></td><td>${d.source}</td><td>${d.type ?? '–'}</td><td>${d.invoiceNumber ?? '–'}</td><td>${d.reason}</td><td>${d.attempts}</td><td>${d.status}</td></tr>`,
)}
</tbody></table>
${operator && list.some((d) => d.status === 'OPEN') ? h`<p><button class="primary">Replay selected</button> <span class="muted">through the agency limiter, one after another</span></p>` : ''}
</form>`,
  });
}

export function deadLetterPage(d: DeadLetter, p: Principal, flash?: string): Html {
  const s = deadLetterStory(d);
  const operator = p.role === 'operator' && d.status === 'OPEN';
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return layout({
    title: `Dead letter ${d.type ?? ''} ${d.invoiceNumber ?? ''}`,
    principal: p,
    current: '/ops/dead-letters',
    flash,
    body: h`<dl class="story">
<dt>Status</dt><dd>${d.status}${d.resolvedBy ? h` by ${d.resolvedBy} at ${when(d.resolvedAt)}: ${d.resolution ?? ''}` : ''}</dd>
<dt>Source</dt><dd>${d.source}</dd><dt>Message id</dt><dd>${d.messageId ?? '–'}</dd>
<dt>Routing key</dt><dd>${d.routingKey ?? '–'}</dd><dt>Reason</dt><dd>${d.reason} (${d.errorClass})</dd>
<dt>Detail</dt><dd>${s.detail}</dd><dt>Attempts</dt><dd>${d.attempts}</dd>
<dt>First seen</dt><dd>${when(d.firstSeenAt)}</dd><dt>Dead since</dt><dd>${when(d.deadAt)}</dd></dl>
${
  operator
    ? h`<h2>Act</h2>
<form method="post" action="/ops/dead-letters/${encodeURIComponent(d.id)}/replay" class="inline">${csrfField(p)}<button class="primary">Replay</button></form>
<form method="post" action="/ops/dead-letters/${encodeURIComponent(d.id)}/discard" class="inline">${csrfField(p)}<input name="reason" required maxlength="500" placeholder="why discard" aria-label="discard reason"> <button>Discard</button></form>`
    : ''
}
<h2>Agency answers</h2>
<table><thead><tr><th>At</th><th>Request</th><th>Status</th><th>Summary</th></tr></thead><tbody>
${s.agencyAnswers.length === 0 ? h`<tr><td colspan="4" class="muted">No agency call was made.</td></tr>` : ''}
${s.agencyAnswers.map((a) => h`<tr><td>${when(a.at)}</td><td>${a.method} ${a.path}</td><td>${a.status ?? 'no answer'}</td><td>${a.summary}</td></tr>`)}
</tbody></table>
<h2>Original message <span class="muted">(personal data masked)</span></h2><pre>${json(s.original)}</pre>
<h2>Mapped agency request <span class="muted">(masked)</span></h2><pre>${s.mappedRequest === null ? 'not mapped' : json(s.mappedRequest)}</pre>`,
  });
}

export function replayJobPage(job: BulkReplayProgress, p: Principal): Html {
  return layout({
    title: 'Bulk replay',
    principal: p,
    current: '/ops/dead-letters',
    ...(job.done && job.settled.pending === 0 ? {} : { refreshSeconds: 2 }),
    body: h`<p>Replayed <b>${job.replayed}</b> of ${job.total}${job.done ? ' (finished)' : ' …'}; skipped ${job.skipped.length}.</p>
<p>Handled by the pipeline since: ${job.settled.done} done, ${job.settled.failedAgain} failed again, ${job.settled.pending} waiting.</p>
${job.skipped.length ? h`<table><thead><tr><th>Dead letter</th><th>Why skipped</th></tr></thead><tbody>${job.skipped.map((s) => h`<tr><td>${s.id}</td><td>${s.reason}</td></tr>`)}</tbody></table>` : ''}
<p><a href="/ops/dead-letters">Back to dead letters</a></p>`,
  });
}
