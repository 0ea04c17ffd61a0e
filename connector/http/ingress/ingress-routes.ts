/**
 * `POST /v1/events` (contract §5): the contract envelope, one or an array, from an ERP that
 * cannot speak AMQP. Authenticated per source by bearer token (missing → 401, no source has it →
 * 403) and, where the source has signing secrets, by a Standard Webhooks signature on the raw
 * body (bad → 401, replayed id → 409). Validated like the generic adapter does (→ 400 with field
 * issues, nothing published), then published to the inbound exchange as `<source>.<type>` with
 * the envelope id as message id; `202` only after every publish is confirmed, `503` when the
 * broker is down or refuses (retry the same request: the inbox drops what did get through).
 */
import type { Hono } from 'hono';
import { decodeBody, parseEnvelope, parseInboundEvent } from '../../contract/index.ts';
import { InvalidMessageError, type FieldIssue } from '../../errors.ts';
import { errorBody, type HttpEnv } from '../env.ts';
import { limitBody, requireContentType } from '../limits.ts';
import { bearerToken, safeEqual } from '../secure-compare.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { verifySignature } from './signature.ts';

export const MAX_EVENTS_PER_REQUEST = 100;

export interface IngressSource {
  name: string;
  adapter: string;
  token: string | undefined;
  signingSecrets: string[];
}

export interface IngressPublisher {
  connected(): boolean;
  /** Resolves on the broker's confirm; rejects on nack, return, timeout or a closed channel. */
  publish(
    routingKey: string,
    body: string,
    options: { messageId: string; headers: Record<string, string> },
  ): Promise<void>;
}

export interface IngressOptions {
  sources: IngressSource[];
  publisher: IngressPublisher;
  guard: ReplayGuard;
  maxBodyBytes: number;
  maxJsonDepth: number;
  now?: () => number;
  onAccepted?: (source: string, count: number) => void;
}

function findSource(sources: IngressSource[], token: string): IngressSource | undefined {
  let found: IngressSource | undefined;
  for (const s of sources) {
    // Every source is compared (no early exit) so timing does not tell which one is close.
    // A placeholder token (the example config's default) never opens the ingress.
    const usable = s.token !== undefined && !s.token.startsWith('placeholder-');
    if (usable && safeEqual(token, s.token ?? '') && !found) found = s;
  }
  return found;
}

function validate(
  items: unknown[],
  batch: boolean,
): {
  issues: FieldIssue[];
  events: { id: string; type: string; raw: unknown }[];
} {
  const issues: FieldIssue[] = [];
  const events: { id: string; type: string; raw: unknown }[] = [];
  const ids = new Set<string>();
  items.forEach((raw, i) => {
    const prefix = batch ? `[${i}]` : '';
    try {
      const envelope = parseEnvelope(raw);
      parseInboundEvent(envelope);
      if (ids.has(envelope.id))
        throw new InvalidMessageError('duplicate', [
          { path: 'id', message: 'appears twice in this request' },
        ]);
      ids.add(envelope.id);
      events.push({ id: envelope.id, type: envelope.type, raw });
    } catch (err) {
      if (!(err instanceof InvalidMessageError)) throw err;
      const list = err.issues.length > 0 ? err.issues : [{ path: '', message: err.message }];
      for (const issue of list) {
        issues.push({
          path: [prefix, issue.path].filter(Boolean).join('.'),
          message: issue.message,
        });
      }
    }
  });
  return { issues: issues.slice(0, 100), events };
}

export function createIngressRoutes(options: IngressOptions) {
  const now = options.now ?? Date.now;
  return (app: Hono<HttpEnv>): void => {
    app.post(
      '/v1/events',
      limitBody(options.maxBodyBytes),
      requireContentType([
        'application/json',
        'application/cloudevents+json',
        'application/cloudevents-batch+json',
      ]),
      async (c) => {
        const token = bearerToken(c.req.header('authorization'));
        if (!token) {
          c.header('WWW-Authenticate', 'Bearer realm="ingress"');
          return c.json(errorBody(c, 'a bearer token is required'), 401);
        }
        const source = findSource(options.sources, token);
        if (!source) return c.json(errorBody(c, 'this token is not allowed to send events'), 403);
        if (source.adapter !== 'generic') {
          return c.json(
            errorBody(c, 'this source does not take contract envelopes over HTTP'),
            403,
          );
        }
        const raw = new Uint8Array(await c.req.arrayBuffer());
        let signedId: string | null = null;
        if (source.signingSecrets.length > 0) {
          const check = verifySignature({
            secrets: source.signingSecrets,
            headers: {
              id: c.req.header('webhook-id'),
              timestamp: c.req.header('webhook-timestamp'),
              signature: c.req.header('webhook-signature'),
            },
            body: raw,
            nowMs: now(),
          });
          if (!check.ok) return c.json(errorBody(c, `signature refused: ${check.reason}`), 401);
          signedId = check.id;
        }
        let body: unknown;
        try {
          body = decodeBody(Buffer.from(raw), {
            maxBytes: options.maxBodyBytes,
            maxDepth: options.maxJsonDepth,
          });
        } catch (err) {
          if (err instanceof InvalidMessageError) {
            return c.json(errorBody(c, 'invalid body', { issues: err.issues }), 400);
          }
          throw err;
        }
        const items = Array.isArray(body) ? body : [body];
        if (items.length === 0 || items.length > MAX_EVENTS_PER_REQUEST) {
          return c.json(errorBody(c, `send 1 to ${MAX_EVENTS_PER_REQUEST} events`), 400);
        }
        const { issues, events } = validate(items, Array.isArray(body));
        if (issues.length > 0) return c.json(errorBody(c, 'invalid event', { issues }), 400);
        if (!options.publisher.connected()) {
          c.header('Retry-After', '5');
          return c.json(errorBody(c, 'broker unavailable, retry'), 503);
        }
        if (signedId && !(await options.guard.claim(source.name, signedId))) {
          return c.json(errorBody(c, 'this webhook-id was already accepted'), 409);
        }
        try {
          await Promise.all(
            events.map((e) =>
              options.publisher.publish(`${source.name}.${e.type}`, JSON.stringify(e.raw), {
                messageId: e.id,
                headers: { 'x-ingress-request-id': c.get('requestId') },
              }),
            ),
          );
        } catch {
          if (signedId) options.guard.release(source.name, signedId);
          c.header('Retry-After', '5');
          return c.json(errorBody(c, 'broker did not confirm, retry the same request'), 503);
        }
        if (signedId) await options.guard.record(source.name, signedId).catch(() => undefined);
        options.onAccepted?.(source.name, events.length);
        return c.json(
          { accepted: events.length, ids: events.map((e) => e.id), requestId: c.get('requestId') },
          202,
        );
      },
    );
  };
}
