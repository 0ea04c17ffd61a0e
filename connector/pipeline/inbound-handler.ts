/**
 * The inbound pipeline for one delivery: decode → adapt (validate) → dedupe (inbox) → order per
 * invoice (lock + parked line) → apply at the agency → commit (inbox + invoice + outbox, one
 * transaction) → publish results with confirms → ack. Every failure goes through
 * `decideOutcome`: dead-letter, retry through a delay queue, or requeue. Nothing is acked
 * before its effect and its result are committed.
 */
import type { InboxEntry, ParkedEvent, StoreChanges } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import {
  decodeBody,
  exceedsDepth,
  type AdapterOutput,
  type ErpAdapter,
  type InboundEvent,
} from '../contract/index.ts';
import { queryReply, sendReply } from '../../adapters/erp/atomia/index.ts';
import { applyDebtCollectionRequest } from '../debt-collection/request-task.ts';
import { applyTaskEvent } from '../debt-collection/task-events.ts';
import { InvalidMessageError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  createApplier,
  PARKED_INVOICE_UNKNOWN,
  type ApplyDeps,
  type StepContext,
  type StepResult,
} from './apply-event.ts';
import { createInvoiceLock, InvoiceBusyError } from './invoice-lock.ts';
import type { MappingPort } from './mapping-port.ts';
import { decideOutcome, type Outcome } from './outcome.ts';
import type { OutboxRelay } from './outbox-relay.ts';
import { nextRelease, parkRow, releaseRow, RETRYING } from './parking.ts';
import type { AgencyPort, InboundDelivery } from './ports.ts';
import { deadLetter, deadLetterCopyRow, rejectedRow, type ResultTarget } from './results.ts';
import type { RetryPublisher } from './retry-publisher.ts';

export interface InboundHandlerDeps extends Omit<ApplyDeps, 'reconcileSettleMs'> {
  config: ConnectorConfig;
  adapters: Record<string, ErpAdapter>;
  agency: AgencyPort;
  mapper: MappingPort;
  relay: OutboxRelay;
  retries: RetryPublisher;
  logger: Logger;
  instanceId: string;
  inboundQueue(source: string): string;
  dlxExchange: string;
  /** Sends a request/reply answer (Atomia) to `to` with the request's correlation id. */
  reply?: (to: string, correlationId: string, body: unknown) => Promise<void>;
  /** Applies inbound types that are not agency calls (debt-collection task messages). */
  applyLocal?: (ctx: StepContext) => Promise<StepResult | null>;
  onOutcome?: (e: { source: string; type: string; outcome: string }) => void;
}

export const ATTEMPT_HEADER = 'x-connector-attempt';
const TERMINAL = new Set(['DONE', 'FAILED', 'MANUAL_REVIEW']);

function headerString(headers: Record<string, unknown>, name: string): string | undefined {
  const v = headers[name];
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return undefined;
}

/** The routing key the ERP used (a delay-queue or park release keeps it in a header). */
function originalRoutingKey(d: InboundDelivery): string {
  return headerString(d.headers, 'x-original-routing-key') ?? d.routingKey;
}

/** Reconcile rounds that could not settle an earlier attempt, carried on the retried copies. */
export const RECONCILE_HEADER = 'x-connector-reconcile-rounds';

export function reconcileRoundsOf(headers: Record<string, unknown>): number {
  const n = Number(headers[RECONCILE_HEADER] ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function attemptOf(headers: Record<string, unknown>): number {
  const n = Number(headers[ATTEMPT_HEADER] ?? 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function invoiceNumberOf(event: InboundEvent): string {
  const data = event.data as { invoiceNumber?: unknown };
  return typeof data.invoiceNumber === 'string' ? data.invoiceNumber : '';
}

/** What can be recovered from a body that failed validation, for the dead letter and the rejection. */
function salvage(body: unknown): {
  id: string | null;
  type: string | null;
  invoiceNumber: string | null;
} {
  if (!body || typeof body !== 'object') return { id: null, type: null, invoiceNumber: null };
  const b = body as Record<string, unknown>;
  const data = (b.data ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : null);
  return {
    id: str(b.id),
    type: str(b.type),
    invoiceNumber: str(data.invoiceNumber) ?? str(b.subject),
  };
}

export function createInboundHandler(deps: InboundHandlerDeps) {
  const { store, config, logger, relay } = deps;
  const limits = { maxBytes: config.broker.maxMessageBytes, maxDepth: config.broker.maxJsonDepth };
  const lock = createInvoiceLock({
    store,
    owner: deps.instanceId,
    leaseMs: config.pipeline.invoiceLeaseMs,
  });
  const applier = createApplier({ ...deps, reconcileSettleMs: config.pipeline.reconcileSettleMs });

  function target(source: string): ResultTarget {
    return { source, exchange: config.broker.outboundExchange, now: deps.now() };
  }

  async function commitAndPublish(changes: StoreChanges, d: InboundDelivery): Promise<void> {
    await store.commit(changes);
    // The effect and its results are durable now; the relay's sweep re-publishes what fails here.
    // What is published is what the store holds: when two deliveries of one event raced (two
    // instances), the outbox kept the first row under the shared id, and every copy sent under
    // that id must carry the same body.
    const ids = (changes.outbox ?? []).map((r) => r.id);
    await relay.publishRows(ids.length > 0 ? await store.getOutbox(ids) : []);
    d.ack();
  }

  async function deadLetterInvalid(
    source: string,
    d: InboundDelivery,
    err: unknown,
  ): Promise<void> {
    const outcome = decideOutcome(err, {
      attempt: 1,
      maxAttempts: 1,
      retryDelaysMs: config.broker.retryDelaysMs,
    });
    if (outcome.kind !== 'dead-letter') throw err;
    let parsed: unknown;
    try {
      // Only a body within both limits is parsed to salvage its id and type (check before parse).
      const parseable = d.body.length <= limits.maxBytes && !exceedsDepth(d.body, limits.maxDepth);
      parsed = parseable ? JSON.parse(d.body.toString('utf8')) : null;
    } catch {
      parsed = null;
    }
    const info = salvage(parsed);
    const now = deps.now();
    const letter = deadLetter({
      source,
      messageId: info.id ?? d.messageId ?? null,
      type: info.type,
      invoiceNumber: info.invoiceNumber,
      reason: outcome.reason,
      detail: outcome.detail,
      errorClass: outcome.errorClass,
      original:
        d.body.length <= limits.maxBytes
          ? d.body.toString('utf8')
          : `(${d.body.length} bytes, not kept)`,
      routingKey: originalRoutingKey(d),
      mappedRequest: null,
      agencyAnswers: [],
      attempts: 1,
      firstSeenAt: now.toISOString(),
      now,
    });
    const issues = err instanceof InvalidMessageError ? err.issues : [];
    const rejected = rejectedRow(target(source), info, outcome.detail, issues);
    const outbox = [
      deadLetterCopyRow(letter, deps.dlxExchange, now),
      ...(rejected ? [rejected] : []),
    ];
    const inbox: InboxEntry[] = info.id
      ? [
          {
            source,
            messageId: info.id,
            type: info.type ?? 'unknown',
            invoiceNumber: info.invoiceNumber,
            state: 'FAILED',
            attempts: 0,
            attemptStartedAt: null,
            outcome: `dead-lettered: ${outcome.reason}`,
            resultIds: rejected ? [rejected.id] : [],
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
          },
        ]
      : [];
    // An invalid message whose id was already applied is a duplicate, not a new failure.
    if (info.id) {
      const seen = await store.getInbox(source, info.id);
      if (seen && TERMINAL.has(seen.state)) {
        d.ack();
        return;
      }
    }
    logger.warn(
      { source, messageId: letter.messageId, reason: outcome.reason },
      'message dead-lettered',
    );
    deps.onOutcome?.({ source, type: info.type ?? 'unknown', outcome: 'dead_lettered' });
    await commitAndPublish({ deadLetters: [letter], outbox, inbox }, d);
  }

  async function duplicate(entry: InboxEntry, d: InboundDelivery): Promise<void> {
    // The ERP may have missed the result: publish it again (same message id).
    if (entry.resultIds.length > 0) {
      await store.requeueOutbox(entry.resultIds);
      await relay.publishRows(await store.getOutbox(entry.resultIds), { again: true });
    }
    deps.onOutcome?.({ source: entry.source, type: entry.type, outcome: 'duplicate' });
    d.ack();
  }

  async function handleOutcome(
    ctx: StepContext,
    d: InboundDelivery,
    line: ParkedEvent[],
    outcome: Outcome,
    attempt: number,
  ): Promise<void> {
    const now = deps.now();
    const nowIso = now.toISOString();
    const mine = line.find((p) => p.messageId === ctx.envelope.id);
    const routingKey = originalRoutingKey(d);
    if (outcome.kind === 'requeue') {
      logger.warn(
        { reason: outcome.reason, errorClass: outcome.errorClass },
        'requeued after a failure',
      );
      d.nack({ requeue: true });
      return;
    }
    if (outcome.kind === 'retry') {
      const state = outcome.unknown || ctx.entry.state === 'UNKNOWN' ? 'UNKNOWN' : 'PENDING';
      const entry: InboxEntry = {
        ...ctx.entry,
        state,
        outcome: `retrying: ${outcome.reason}`,
        updatedAt: nowIso,
      };
      const parkedAdd = mine
        ? []
        : [
            parkRow({
              source: ctx.source,
              invoiceNumber: ctx.invoiceNumber,
              messageId: ctx.envelope.id,
              type: ctx.event.type,
              body: d.body.toString('utf8'),
              routingKey,
              reason: `${RETRYING}: ${outcome.reason}`,
              now,
            }),
          ];
      await store.commit({ inbox: [entry], parkedAdd });
      const rounds: Record<string, number> = outcome.reconcile
        ? { [RECONCILE_HEADER]: reconcileRoundsOf(d.headers) + 1 }
        : {};
      await deps.retries.publish(ctx.source, d, routingKey, attempt + 1, outcome.delayMs, rounds);
      deps.onOutcome?.({ source: ctx.source, type: ctx.event.type, outcome: 'retried' });
      d.ack();
      return;
    }
    const manual =
      outcome.reason === 'reconcile_exhausted' ||
      (ctx.entry.state === 'UNKNOWN' && ctx.mapped?.request === 'createActions');
    const letter = deadLetter({
      source: ctx.source,
      messageId: ctx.envelope.id,
      type: ctx.event.type,
      invoiceNumber: ctx.invoiceNumber,
      reason: manual ? 'manual_review' : outcome.reason,
      detail: outcome.detail,
      errorClass: outcome.errorClass,
      original: d.body.toString('utf8'),
      routingKey,
      mappedRequest: ctx.mapped?.body ?? null,
      agencyAnswers: ctx.answers,
      attempts: attempt,
      firstSeenAt: ctx.entry.createdAt,
      now,
    });
    const invoice = await store.getInvoice(ctx.source, ctx.invoiceNumber);
    const rejected = rejectedRow(
      target(ctx.source),
      {
        id: ctx.envelope.id,
        type: ctx.event.type,
        invoiceNumber: ctx.invoiceNumber,
        caseId: invoice?.caseId ?? null,
      },
      outcome.detail,
      [],
    );
    const results = rejected ? [rejected] : [];
    const outbox = [
      deadLetterCopyRow(letter, deps.dlxExchange, now),
      ...results,
      ...nextRelease(line, ctx.envelope.id, deps.inboundQueue(ctx.source), now),
    ];
    const entry: InboxEntry = {
      ...ctx.entry,
      state: manual ? 'MANUAL_REVIEW' : 'FAILED',
      outcome: `dead-lettered: ${letter.reason}`,
      resultIds: results.map((r) => r.id),
      updatedAt: nowIso,
    };
    logger.warn({ reason: letter.reason, attempts: attempt }, 'event dead-lettered');
    deps.onOutcome?.({ source: ctx.source, type: ctx.event.type, outcome: 'dead_lettered' });
    await commitAndPublish(
      {
        inbox: [entry],
        deadLetters: [letter],
        outbox,
        ...(mine ? { parkedRemove: [mine.id] } : {}),
      },
      d,
    );
  }

  /**
   * Two instances can interleave so that a parked event misses its release: the create reads
   * the line before its agency call, and another instance parks an action (invoice not known
   * yet) before the create commits. Both sides therefore look once more after their own commit:
   * the create at the line, the parked event at the invoice. Releasing twice is harmless (the
   * inbox turns the second copy into a duplicate); a failure here only leaves the release to
   * the parked sweeper, as before. The message is already acked, so nothing is thrown.
   */
  async function releaseIfStranded(
    source: string,
    invoiceNumber: string,
    released: ReadonlySet<string>,
    knownCreated = false,
  ): Promise<void> {
    try {
      // The create path has just committed the invoice as CREATED: no need to read it back.
      if (!knownCreated && (await store.getInvoice(source, invoiceNumber))?.status !== 'CREATED')
        return;
      const head = (await store.parkedFor(source, invoiceNumber))[0];
      if (!head || released.has(head.messageId) || head.reason.startsWith(RETRYING)) return;
      const row = releaseRow(head, deps.inboundQueue(source), deps.now());
      await store.commit({ outbox: [row] });
      await relay.publishRows([row]);
      logger.info({ invoiceNumber, messageId: head.messageId }, 'parked event released late');
    } catch (err) {
      logger.warn({ err }, 'late release failed; the parked sweeper releases it');
    }
  }

  async function finish(
    ctx: StepContext,
    d: InboundDelivery,
    line: ParkedEvent[],
    result: StepResult,
  ) {
    const now = deps.now();
    const mine = line.find((p) => p.messageId === ctx.envelope.id);
    const routingKey = originalRoutingKey(d);
    if (result.kind === 'park') {
      const entry: InboxEntry = {
        ...ctx.entry,
        state: 'PARKED',
        outcome: `parked: ${result.reason}`,
        updatedAt: now.toISOString(),
      };
      const parked = parkRow({
        source: ctx.source,
        invoiceNumber: ctx.invoiceNumber,
        messageId: ctx.envelope.id,
        type: ctx.event.type,
        body: d.body.toString('utf8'),
        routingKey,
        reason: result.reason,
        now,
      });
      // An event already in the line keeps its place (and its first reason).
      const changes: StoreChanges = { inbox: [entry], ...(mine ? {} : { parkedAdd: [parked] }) };
      if (result.invoice) changes.invoices = [result.invoice];
      deps.onOutcome?.({ source: ctx.source, type: ctx.event.type, outcome: 'parked' });
      await commitAndPublish(changes, d);
      // Only an event parked because the invoice was unknown: one parked for a missing case id
      // would park again at once if released (the sweeper paces those).
      if (!mine && result.reason === PARKED_INVOICE_UNKNOWN)
        await releaseIfStranded(ctx.source, ctx.invoiceNumber, new Set());
      return;
    }
    const entry: InboxEntry = {
      ...ctx.entry,
      state: 'DONE',
      outcome: result.outcome,
      resultIds: result.results.map((r) => r.id),
      updatedAt: now.toISOString(),
    };
    // The line moves on: after a create, the first waiting event; after any other, the next one.
    const release = nextRelease(line, ctx.envelope.id, deps.inboundQueue(ctx.source), now);
    deps.onOutcome?.({ source: ctx.source, type: ctx.event.type, outcome: 'done' });
    await commitAndPublish(
      {
        inbox: [entry],
        outbox: [...result.results, ...release],
        ...(result.invoice ? { invoices: [result.invoice] } : {}),
        ...(mine ? { parkedRemove: [mine.id] } : {}),
        ...(result.extra ?? {}),
      },
      d,
    );
    if (ctx.event.type === 'invoice.created' && result.invoice?.status === 'CREATED') {
      const released = new Set(release.map((r) => String(r.headers['x-message-id'])));
      await releaseIfStranded(ctx.source, ctx.invoiceNumber, released, true);
    }
  }

  async function underLock(
    source: string,
    d: InboundDelivery,
    envelope: StepContext['envelope'],
    event: InboundEvent,
    attempt: number,
  ): Promise<void> {
    const invoiceNumber = invoiceNumberOf(event);
    const existing = await store.getInbox(source, envelope.id);
    if (existing && TERMINAL.has(existing.state)) return duplicate(existing, d);
    const nowIso = deps.now().toISOString();
    const sourceConfig = config.sources[source];
    if (!sourceConfig) throw new Error(`unknown source ${source}`);
    const ctx: StepContext = {
      source,
      sourceConfig,
      adapter: sourceConfig.adapter,
      envelope,
      event,
      invoiceNumber,
      entry: existing ?? {
        source,
        messageId: envelope.id,
        type: event.type,
        invoiceNumber,
        state: 'PENDING',
        attempts: 0,
        attemptStartedAt: null,
        outcome: null,
        resultIds: [],
        createdAt: nowIso,
        updatedAt: nowIso,
      },
      answers: [],
      mapped: null,
      target: target(source),
    };
    const line = await store.parkedFor(source, invoiceNumber);
    const head = line[0];
    const bypass =
      event.type === 'invoice.created' || event.type === 'invoice.debt_collection_requested';
    if (head && head.messageId !== envelope.id && !bypass) {
      // An older event of this invoice waits: keep the order, wait behind it.
      return finish(ctx, d, line, {
        kind: 'park',
        reason: `behind ${head.type} ${head.messageId}`,
        invoice: null,
      });
    }
    try {
      const local =
        (await applyDebtCollectionRequest(store, ctx)) ??
        (await applyTaskEvent(store, ctx, () => applier.applyAction(ctx))) ??
        (deps.applyLocal ? await deps.applyLocal(ctx) : null);
      const result =
        local ??
        (event.type === 'invoice.created'
          ? await applier.applyCreate(ctx)
          : await applier.applyAction(ctx));
      await finish(ctx, d, line, result);
    } catch (err) {
      const outcome = decideOutcome(err, {
        attempt,
        maxAttempts: config.broker.maxAttempts,
        retryDelaysMs: config.broker.retryDelaysMs,
        reconcileRound: reconcileRoundsOf(d.headers) + 1,
        maxReconcileAttempts: config.pipeline.maxReconcileAttempts,
      });
      if (outcome.kind !== 'requeue') logger.debug({ err, outcome: outcome.kind }, 'event failed');
      else logger.error({ err }, 'event failed unexpectedly');
      await handleOutcome(ctx, d, line, outcome, attempt);
    }
  }

  return async function handle(source: string, d: InboundDelivery): Promise<void> {
    const sourceConfig = config.sources[source];
    const adapter = sourceConfig ? deps.adapters[sourceConfig.adapter] : undefined;
    if (!adapter) throw new Error(`no adapter for source ${source}`);
    const attempt = attemptOf(d.headers);
    let output: AdapterOutput;
    try {
      const body = decodeBody(d.body, limits);
      output = adapter.adapt(
        {
          body,
          routingKey: originalRoutingKey(d),
          messageId: d.messageId,
          replyTo: d.replyTo,
          correlationId: d.correlationId,
          headers: d.headers,
        },
        { source },
      );
    } catch (err) {
      if (err instanceof InvalidMessageError) return deadLetterInvalid(source, d, err);
      throw err;
    }
    if (output.kind === 'query') {
      // Answered from stored state only: never waits for the agency.
      const task = await store.getTask(output.requestId);
      await deps.reply?.(output.replyTo, output.correlationId, queryReply(output.requestId, task));
      d.ack();
      return;
    }
    const { envelope, event } = output;
    try {
      await lock.run(
        `${source}:${invoiceNumberOf(event)}`,
        () => underLock(source, d, envelope, event, attempt),
        { lease: event.type !== 'invoice.created' },
      );
      if (output.reply && event.type === 'invoice.debt_collection_requested') {
        const task = await store.getTaskByInvoice(source, invoiceNumberOf(event));
        if (task)
          await deps.reply?.(output.reply.to, output.reply.correlationId, sendReply(task.id));
      }
    } catch (err) {
      if (err instanceof InvoiceBusyError) {
        // Another instance works on this invoice: come back after the shortest delay.
        const routingKey = originalRoutingKey(d);
        await deps.retries.publish(
          source,
          d,
          routingKey,
          attempt,
          config.broker.retryDelaysMs[0] ?? 1000,
        );
        d.ack();
        return;
      }
      // the context goes in the line itself: a child logger per message costs a redaction pass
      logger.error(
        { err, messageId: envelope.id, type: event.type, invoiceNumber: invoiceNumberOf(event) },
        'pipeline step failed; message requeued',
      );
      d.nack({ requeue: true });
    }
  };
}

export type InboundHandler = ReturnType<typeof createInboundHandler>;
