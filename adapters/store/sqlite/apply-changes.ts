/**
 * Writes one `StoreChanges` inside the caller's transaction, in a fixed order: inbox, invoices,
 * outbox, parkedRemove, parkedAdd, deadLetters, news, newsPublished, cursors, tasks, audit.
 * (parkedRemove before parkedAdd, so one commit can re-park an event under the same id.)
 */
import type { StoreChanges } from '../types.ts';
import { insertSql } from './codec.ts';
import {
  auditCodec,
  cursorCodec,
  deadLetterCodec,
  inboxCodec,
  invoiceCodec,
  newsCodec,
  outboxCodec,
  parkedCodec,
  taskCodec,
} from './codecs.ts';
import type { Prepare } from './statement-cache.ts';

const sql = {
  inbox: insertSql(inboxCodec, { mode: 'replace', keys: ['source', 'message_id'] }),
  invoice: insertSql(invoiceCodec, { mode: 'replace', keys: ['source', 'invoice_number'] }),
  outbox: insertSql(outboxCodec, { mode: 'ignore', keys: ['id'] }),
  parkedAdd: insertSql(parkedCodec, { mode: 'fail' }),
  parkedRemove: 'DELETE FROM parked WHERE id = ?',
  deadLetter: insertSql(deadLetterCodec, { mode: 'replace', keys: ['id'] }),
  news: insertSql(newsCodec, { mode: 'ignore', keys: ['kind', 'key'] }),
  newsPublished: 'UPDATE news SET published_at = ? WHERE kind = ? AND key = ?',
  cursor: insertSql(cursorCodec, { mode: 'replace', keys: ['name'] }),
  task: insertSql(taskCodec, { mode: 'replace', keys: ['id'] }),
  audit: insertSql(auditCodec, { mode: 'ignore', keys: ['id'] }),
} as const;

export function applyChanges(prepare: Prepare, changes: StoreChanges): void {
  for (const x of changes.inbox ?? []) prepare(sql.inbox).run(...inboxCodec.encode(x));
  for (const x of changes.invoices ?? []) prepare(sql.invoice).run(...invoiceCodec.encode(x));
  for (const x of changes.outbox ?? []) prepare(sql.outbox).run(...outboxCodec.encode(x));
  for (const id of changes.parkedRemove ?? []) prepare(sql.parkedRemove).run(id);
  for (const x of changes.parkedAdd ?? []) prepare(sql.parkedAdd).run(...parkedCodec.encode(x));
  for (const x of changes.deadLetters ?? []) {
    prepare(sql.deadLetter).run(...deadLetterCodec.encode(x));
  }
  for (const x of changes.news ?? []) prepare(sql.news).run(...newsCodec.encode(x));
  for (const x of changes.newsPublished ?? []) prepare(sql.newsPublished).run(x.at, x.kind, x.key);
  for (const x of changes.cursors ?? []) prepare(sql.cursor).run(...cursorCodec.encode(x));
  for (const x of changes.tasks ?? []) prepare(sql.task).run(...taskCodec.encode(x));
  for (const x of changes.audit ?? []) prepare(sql.audit).run(...auditCodec.encode(x));
}
