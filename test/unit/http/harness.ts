/** An in-process HTTP surface over a real SQLite store, a fake relay and a fake ingress publisher. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStore,
  type DeadLetter,
  type InboxEntry,
  type OutboxRow,
} from '../../../adapters/store/index.ts';
import { parseConfig } from '../../../config/index.ts';
import {
  createConnectorHttp,
  type ConnectorHttpOptions,
} from '../../../connector/http/connector-http.ts';
import { hashPassword } from '../../../connector/ops/hash-password.ts';
import { createConnectorMetrics } from '../../../connector/metrics/index.ts';
import { TEST_SELLER } from '../../helpers/test-config.ts';

export const OPS_TOKEN = 'ops-token-0123456789abcdef';
export const ACME_TOKEN = 'acme-ingress-token-0123456789';
export const SIGNED_TOKEN = 'signed-ingress-token-0123456789';
export const SECRET_A = `whsec_${Buffer.from('first-secret-for-signing-0123').toString('base64')}`;
export const SECRET_B = `whsec_${Buffer.from('second-secret-for-signing-456').toString('base64')}`;
export const VIEWER = { name: 'vera', password: 'viewer-password-1' };
export const OPERATOR = { name: 'otto', password: 'operator-password-1' };

let hashes: Promise<[string, string]> | null = null;

export async function createHarness(extra: Partial<ConnectorHttpOptions> = {}) {
  hashes ??= Promise.all([hashPassword(VIEWER.password), hashPassword(OPERATOR.password)]);
  const [viewerHash, operatorHash] = await hashes;
  const dir = mkdtempSync(join(tmpdir(), 'http-'));
  const config = parseConfig(
    {
      http: {
        opsToken: OPS_TOKEN,
        maxBodyBytes: 262_144,
        operators: [
          { name: VIEWER.name, passwordHash: viewerHash, role: 'viewer' },
          { name: OPERATOR.name, passwordHash: operatorHash, role: 'operator' },
        ],
      },
      log: { level: 'silent' },
      sources: {
        acme: { seller: TEST_SELLER, ingressToken: ACME_TOKEN },
        signed: {
          seller: TEST_SELLER,
          ingressToken: SIGNED_TOKEN,
          ingressSigningSecrets: [SECRET_A, SECRET_B],
        },
        atomiaerp: {
          adapter: 'atomia',
          seller: TEST_SELLER,
          ingressToken: 'atomia-token-0123456789',
        },
      },
    },
    { env: {} },
  );
  const store = await createStore(`sqlite:${join(dir, 'store.sqlite')}`);
  const relayed: OutboxRow[] = [];
  const published: { routingKey: string; body: string; messageId: string }[] = [];
  const ingress = {
    up: true,
    fail: false,
    connected: () => ingress.up,
    publish: async (routingKey: string, body: string, o: { messageId: string }) => {
      await Promise.resolve();
      if (ingress.fail) throw new Error('nacked');
      published.push({ routingKey, body, messageId: o.messageId });
    },
  };
  const metrics = createConnectorMetrics({ processMetrics: false });
  const http = createConnectorHttp({
    config,
    store,
    readiness: () => Promise.resolve({ ready: true, checks: { broker: 'ok', store: 'ok' } }),
    relay: {
      publishRows: (rows) => {
        relayed.push(...rows);
        return Promise.resolve(true);
      },
    },
    ingress,
    metrics,
    ...extra,
  });
  return {
    ...http,
    config,
    store,
    relayed,
    published,
    ingress,
    metrics,
    close: () => store.close(),
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** Logs in through the form; returns the cookie header and the CSRF token. */
export async function login(h: Harness, username: string, password: string) {
  const res = await h.app.request('/ops/login', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    body: new URLSearchParams({ username, password, next: '/ops' }).toString(),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await h.app.request('/ops/dead-letters', { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, csrf, setCookie: res.headers.get('set-cookie') ?? '' };
}

export function deadLetterFixture(overrides: Partial<DeadLetter> = {}): DeadLetter {
  const now = new Date().toISOString();
  const body = {
    specversion: '1.0',
    id: overrides.messageId ?? 'msg-1',
    source: 'erp/acme',
    type: 'invoice.created',
    data: {
      invoiceNumber: '1001',
      buyer: {
        name: 'Jane Quinn Doe',
        personalId: '010190-123A',
        email: 'jane@example.com',
        address: { street: 'Secret Street 5', city: 'HELSINKI' },
      },
    },
  };
  return {
    id: 'dl-1',
    source: 'acme',
    messageId: 'msg-1',
    type: 'invoice.created',
    invoiceNumber: '1001',
    reason: 'agency_rejected',
    detail: 'buyer.postalCode: invalid',
    errorClass: 'AgencyError',
    original: JSON.stringify(body),
    routingKey: 'acme.invoice.created',
    mappedRequest: {
      buyer: { firstName: 'Jane', lastName: 'Doe', identificationNumber: '010190-123A' },
    },
    agencyAnswers: [
      {
        at: now,
        method: 'POST',
        path: '/invoice',
        status: 400,
        summary: 'permanent: invalid postal code',
      },
    ],
    attempts: 1,
    firstSeenAt: now,
    deadAt: now,
    status: 'OPEN',
    resolvedBy: null,
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

export function failedInbox(
  messageId = 'msg-1',
  state: InboxEntry['state'] = 'FAILED',
): InboxEntry {
  const now = new Date().toISOString();
  return {
    source: 'acme',
    messageId,
    type: 'invoice.created',
    invoiceNumber: '1001',
    state,
    attempts: 1,
    attemptStartedAt: now,
    outcome: 'dead-lettered: agency_rejected',
    resultIds: [],
    createdAt: now,
    updatedAt: now,
  };
}
