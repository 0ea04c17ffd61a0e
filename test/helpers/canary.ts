/**
 * Canary values for leak tests (RELIABILITY.md §6.8 S1): fake secrets and fake personal data,
 * unique per run, seeded into config and payloads, and a scanner that finds any of them (or a
 * telling fragment of one) in captured output. Generic on purpose: the log-canary test and the
 * chaos test both seed these values and scan whatever they captured.
 *
 *   const canaries = createCanaries();             // or the shared CANARIES of this process
 *   const hits = findCanaries({ stdout, stderr, 'GET /api/ops/summary': body }, canaries);
 *   expect(hits, formatHits(hits)).toEqual([]);
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export interface Canaries {
  /** Agency API key (`agency.apiKey` / AGENCY_API_KEY). */
  apiKey: string;
  /** RabbitMQ user and password for the connector's AMQP URL. */
  amqpUser: string;
  amqpPassword: string;
  /** `amqp://<user>:<password>@<host:port>` for the given host. */
  amqpUrl(hostPort?: string): string;
  /** Two ingress signing secrets (`whsec_<base64>`), as during a rotation. */
  hmacSecrets: [string, string];
  /** The raw text inside each signing secret's base64. */
  hmacSecretTexts: [string, string];
  /** Bearer token of the HTTP ingress (`sources.<name>.ingressToken`). */
  ingressToken: string;
  /** OPS_TOKEN (`http.opsToken`). */
  opsToken: string;
  /** Passwords of the dashboard accounts (hashed into `http.operators`). */
  opsPasswords: { operator: string; viewer: string };
  /** Personal data: a name, the spec's `CANARY-PID-<uuid>` (not a valid code), a valid code. */
  personName: string;
  personalId: string;
  /** A valid Finnish personal identity code, unique per run, for payloads that must validate. */
  hetu: string;
  street: string;
  email: string;
  phone: string;
}

export type CanaryName = Exclude<keyof Canaries, 'amqpUrl' | 'hmacSecretTexts'>;

const HETU_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** A valid Finnish personal identity code for a random 20th-century date (individual 002–899). */
export function randomHetu(): string {
  const year = randomInt(30, 100);
  const month = randomInt(1, 13);
  const day = randomInt(1, 29);
  const individual = randomInt(2, 900);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ddmmyy = `${p2(day)}${p2(month)}${p2(year)}`;
  const zzz = String(individual).padStart(3, '0');
  return `${ddmmyy}-${zzz}${HETU_CHECK[Number(ddmmyy + zzz) % 31]}`;
}

export function createCanaries(): Canaries {
  const hex = randomBytes(6).toString('hex');
  const hmacSecretTexts: [string, string] = [
    `CANARY-HMAC-${randomUUID()}`,
    `CANARY-HMAC-${randomUUID()}`,
  ];
  const amqpUser = `canary-${hex}`;
  const amqpPassword = `CANARY-AMQP-${randomUUID()}`;
  return {
    apiKey: `CANARY-KEY-${randomUUID()}`,
    amqpUser,
    amqpPassword,
    amqpUrl: (hostPort = '127.0.0.1:5672') =>
      `amqp://${amqpUser}:${encodeURIComponent(amqpPassword)}@${hostPort}`,
    hmacSecrets: [
      `whsec_${Buffer.from(hmacSecretTexts[0]).toString('base64')}`,
      `whsec_${Buffer.from(hmacSecretTexts[1]).toString('base64')}`,
    ],
    hmacSecretTexts,
    ingressToken: `CANARY-INGRESS-${randomUUID()}`,
    opsToken: `CANARY-OPS-${randomUUID()}`,
    opsPasswords: {
      operator: `CANARY-OPSPW-${randomUUID()}`,
      viewer: `CANARY-VIEWPW-${randomUUID()}`,
    },
    personName: `Canary Person ${randomUUID()}`,
    personalId: `CANARY-PID-${randomUUID()}`,
    hetu: randomHetu(),
    street: `Canary Street ${randomUUID()}`,
    email: `canary.${hex}@example.invalid`,
    phone: `+35840${String(randomInt(1_000_000, 10_000_000))}`,
  };
}

/** The canaries of this test process (one set per vitest worker). */
export const CANARIES: Canaries = createCanaries();

/** A CONSUMER buyer of the contract (`invoice.created` data.buyer) made of canary personal data. */
export function canaryBuyer(c: Canaries = CANARIES, validPersonalId = true) {
  return {
    type: 'CONSUMER',
    customerNumber: 'C-1',
    name: c.personName,
    businessId: null,
    personalId: validPersonalId ? c.hetu : c.personalId,
    address: { street: c.street, postalCode: '00100', city: 'HELSINKI', countryCode: 'FI' },
    email: c.email,
    phone: c.phone,
  };
}

export interface Needle {
  canary: CanaryName;
  /** What is searched for: the value, or a fragment that alone identifies it. */
  text: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Every string that betrays a canary: the value, its URL-encoded form, its uuid part. */
export function canaryNeedles(c: Canaries = CANARIES): Needle[] {
  const values: [CanaryName, string][] = [
    ['apiKey', c.apiKey],
    ['amqpPassword', c.amqpPassword],
    ['hmacSecrets', c.hmacSecrets[0]],
    ['hmacSecrets', c.hmacSecrets[1]],
    ['hmacSecrets', c.hmacSecrets[0].slice('whsec_'.length)],
    ['hmacSecrets', c.hmacSecrets[1].slice('whsec_'.length)],
    ['hmacSecrets', c.hmacSecretTexts[0]],
    ['hmacSecrets', c.hmacSecretTexts[1]],
    ['ingressToken', c.ingressToken],
    ['opsToken', c.opsToken],
    ['opsPasswords', c.opsPasswords.operator],
    ['opsPasswords', c.opsPasswords.viewer],
    ['personName', c.personName],
    ['personalId', c.personalId],
    ['hetu', c.hetu],
    ['street', c.street],
    ['email', c.email],
    ['email', c.email.split('@')[0]!],
    ['phone', c.phone],
    ['phone', c.phone.slice(1)],
  ];
  const out = new Map<string, Needle>();
  const add = (canary: CanaryName, text: string) => {
    if (text.length >= 8 && !out.has(text)) out.set(text, { canary, text });
  };
  for (const [canary, value] of values) {
    add(canary, value);
    add(canary, encodeURIComponent(value));
    const uuid = UUID.exec(value)?.[0];
    if (uuid) add(canary, uuid);
  }
  return [...out.values()];
}

export interface CanaryHit {
  canary: CanaryName;
  /** The needle found (the value or a fragment of it). */
  needle: string;
  /** Where: the label of the text it was found in. */
  where: string;
  /** 1-based line and column within that text. */
  line: number;
  column: number;
  /** Up to 60 characters either side. */
  excerpt: string;
}

export type CanaryInput =
  string | readonly string[] | Readonly<Record<string, string>> | readonly LabelledText[];

export interface LabelledText {
  where: string;
  text: string;
}

function labelled(input: CanaryInput): LabelledText[] {
  if (typeof input === 'string') return [{ where: 'text', text: input }];
  if (Array.isArray(input)) {
    return (input as readonly (string | LabelledText)[]).map((t, i) =>
      typeof t === 'string' ? { where: `text[${i}]`, text: t } : t,
    );
  }
  return Object.entries(input as Record<string, string>).map(([where, text]) => ({
    where,
    text,
  }));
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/**
 * Every canary found in the texts (a string, a list, a `where → text` record, or
 * `{ where, text }` items): one hit per canary per line of each text, at its first needle there
 * (a value and its uuid part on the same line are one leak, not two).
 */
export function findCanaries(input: CanaryInput, canaries: Canaries = CANARIES): CanaryHit[] {
  const needles = canaryNeedles(canaries);
  const hits: CanaryHit[] = [];
  for (const { where, text } of labelled(input)) {
    const seen = new Set<string>();
    for (const needle of needles) {
      for (let i = text.indexOf(needle.text); i !== -1; i = text.indexOf(needle.text, i + 1)) {
        const { line, column } = position(text, i);
        const key = `${needle.canary}:${line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hits.push({
          canary: needle.canary,
          needle: needle.text,
          where,
          line,
          column,
          excerpt: text
            .slice(Math.max(0, i - 60), i + needle.text.length + 60)
            .replace(/\s+/g, ' '),
        });
      }
    }
  }
  return hits;
}

/** One line per hit, for assertion messages. */
export function formatHits(hits: readonly CanaryHit[], max = 20): string {
  const lines = hits
    .slice(0, max)
    .map((h) => `${h.canary} in ${h.where} at ${h.line}:${h.column}: …${h.excerpt}…`);
  if (hits.length > max) lines.push(`… and ${hits.length - max} more`);
  return lines.join('\n');
}

/** Hit counts per canary, for a one-line summary. */
export function countByCanary(hits: readonly CanaryHit[]): Partial<Record<CanaryName, number>> {
  const out: Partial<Record<CanaryName, number>> = {};
  for (const h of hits) out[h.canary] = (out[h.canary] ?? 0) + 1;
  return out;
}
