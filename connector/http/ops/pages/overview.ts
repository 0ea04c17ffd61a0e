/** The overview: health of each part, last hour's throughput and error rate, queues, limiter, pollers, tasks. */
import type { MinuteCount } from '../../../metrics/index.ts';
import type { Principal } from '../../env.ts';
import type { Summary } from '../views.ts';
import { h, layout, when, type Html } from './html.ts';

/** A bar chart of events per minute (blue) with failures (red), as SVG attributes (no styles). */
export function throughputChart(series: MinuteCount[]): Html {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...series.map((m) => m.events));
  const bar = width / Math.max(series.length, 1);
  const total = series.reduce((s, m) => s + m.events, 0);
  const errors = series.reduce((s, m) => s + m.errors, 0);
  const rate = total === 0 ? 0 : (100 * errors) / total;
  return h`<p>${total} events in the last hour, ${errors} retried or dead-lettered (${rate.toFixed(1)} %). Scale: ${max} per minute.</p>
<svg class="chart" role="img" aria-label="events per minute, last hour" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
${series.map((m, i) => {
  const hTotal = Math.round((m.events / max) * (height - 10));
  const hErr = Math.round((m.errors / max) * (height - 10));
  const x = (i * bar).toFixed(1);
  const w = Math.max(bar - 1, 1).toFixed(1);
  return h`<rect x="${x}" y="${height - hTotal}" width="${w}" height="${hTotal}" fill="#6cb4ff"><title>${new Date(m.minute).toISOString().slice(11, 16)}: ${m.events} events, ${m.errors} failures</title></rect>${m.errors > 0 ? h`<rect x="${x}" y="${height - hErr}" width="${w}" height="${hErr}" fill="#d9534f"></rect>` : ''}`;
})}
</svg>`;
}

export function overviewPage(s: Summary, p: Principal, flash?: string): Html {
  const checks = Object.entries(s.health.checks);
  const c = s.counts;
  return layout({
    title: 'Overview',
    principal: p,
    current: '/ops',
    flash,
    body: h`<h2>Health: <span class="${s.health.ready ? 'ok' : 'bad'}">${s.health.ready ? 'ready' : 'not ready'}</span></h2>
<div class="cards">${checks.map(([part, state]) => h`<div class="card">${part}<b class="${state === 'ok' ? 'ok' : 'bad'}">${state}</b></div>`)}
<div class="card">Dead letters open<b>${c.deadLettersOpen}</b><a href="/ops/dead-letters">show</a></div>
<div class="card">Parked events<b>${c.parked}</b></div>
<div class="card">Outbox pending<b>${c.outboxPending}</b></div>
<div class="card">Manual review<b>${c.manualReview}</b></div></div>
<h2>Throughput, last hour</h2>${throughputChart(s.throughput)}
<h2>Queues</h2>${
      s.queues
        ? h`<table><thead><tr><th>Queue</th><th>Ready messages</th><th>Consumers</th></tr></thead><tbody>${s.queues.map((q) => h`<tr><td>${q.queue}</td><td>${q.messages}</td><td>${q.consumers}</td></tr>`)}</tbody></table>`
        : h`<p class="muted">Queue depths unavailable (broker not answering).</p>`
    }
<h2>Agency limiter</h2>${
      s.limiter
        ? h`<div class="cards"><div class="card">Queued calls<b>${s.limiter.queued}</b></div><div class="card">Running<b>${s.limiter.running}</b></div><div class="card">Circuit<b class="${s.limiter.circuit === 'closed' ? 'ok' : 'bad'}">${s.limiter.circuit}</b></div><div class="card">Paused until<b>${s.limiter.pausedUntil ? when(new Date(s.limiter.pausedUntil).toISOString()) : '–'}</b></div></div>`
        : h`<p class="muted">No limiter state.</p>`
    }
<h2>Pollers</h2>${pollerTable(s.pollers, null)}
<h2>Debt-collection tasks</h2><div class="cards">${Object.entries(c.tasksByState).map(([state, n]) => h`<div class="card">${state}<b>${n}</b></div>`)}</div>`,
  });
}

export function pollerTable(
  pollers: Summary['pollers'],
  run: ((name: string) => Html) | null,
): Html {
  if (pollers.length === 0) return h`<p class="muted">No pollers on this instance.</p>`;
  return h`<table><thead><tr><th>Poller</th><th>Last run</th><th>Result</th><th>Last success</th><th>Next run</th>${run ? h`<th></th>` : ''}</tr></thead><tbody>
${pollers.map((p) => h`<tr><td>${p.name}${p.running ? h` <span class="muted">(running)</span>` : ''}</td><td>${when(p.lastRunAt)}</td><td>${p.lastResult ?? '–'}</td><td>${when(p.lastSuccessAt)}</td><td>${when(p.nextRunAt)}</td>${run ? h`<td>${run(p.name)}</td>` : ''}</tr>`)}
</tbody></table>`;
}
