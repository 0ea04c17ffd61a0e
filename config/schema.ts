/**
 * The connector's configuration: one zod schema, the source of truth for defaults, documentation
 * (`.describe()` on every field), secrets (`secret()`) and validation (`.strict()` objects, so an
 * unknown key is an error naming its path). `docs/configuration.md` is generated from it.
 */
import { z } from 'zod';
import { secret } from './secret.ts';

const sourceName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,40}$/, 'letters, digits and "-" only (1–40 characters)');

const address = z
  .object({
    street: z.string().min(1).max(200).describe('Street address.'),
    postalCode: z.string().min(1).max(20).describe('Postal code.'),
    city: z.string().min(1).max(100).describe('City (the agency calls it postalDistrict).'),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. FI')
      .describe('ISO 3166-1 alpha-2 country code.'),
  })
  .strict();

const seller = z
  .object({
    businessId: z
      .string()
      .min(1)
      .max(20)
      .describe('Seller business ID (Y-tunnus), e.g. 0646115-8.'),
    name: z.string().min(1).max(200).describe('Seller name printed on invoices.'),
    vatCode: z.string().max(20).optional().describe('Seller VAT number, e.g. FI06461158.'),
    address: address.describe('Seller postal address.'),
    contact: z
      .object({
        name: z.string().max(200).optional().describe('Contact person.'),
        email: z.string().max(200).optional().describe('Contact e-mail.'),
        phone: z.string().max(50).optional().describe('Contact phone.'),
      })
      .strict()
      .default({})
      .describe('Seller contact details.'),
    iban: z.string().min(15).max(34).describe('IBAN of the account the agency settles to.'),
    bic: z.string().min(8).max(11).describe('BIC of that account.'),
  })
  .strict();

const contractDefaults = z
  .object({
    paymentControl: z
      .boolean()
      .default(true)
      .describe('Agency payment control (reminders, collection) on for new invoices.'),
    manualApproval: z
      .boolean()
      .default(false)
      .describe('Agency holds each invoice for manual approval before distribution.'),
    distributionMethod: z
      .enum(['EMAIL', 'LETTER', 'EINVOICE', 'SMS'])
      .default('EMAIL')
      .describe('Distribution method when the event does not name one.'),
    languageCode: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('FI')
      .describe('Invoice language when the event does not name one (ISO 639-1, upper case).'),
    paymentTermDays: z.number().int().min(0).max(365).default(14).describe('Payment term in days.'),
    penaltyInterestPercentage: z
      .number()
      .min(0)
      .max(100)
      .default(11.5)
      .describe('Penalty interest per year, percent.'),
  })
  .strict();

const debtCollection = z
  .object({
    autoApprove: z
      .boolean()
      .default(false)
      .describe('New debt-collection tasks start APPROVED instead of PENDING_APPROVAL.'),
    approvedItemsPerRun: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('At most this many approved tasks are sent per scheduler run (0 = no limit).'),
    statusCheckMinutes: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('How often a sent task checks its case at the agency.'),
    daysLimit: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Cancel (WITHDRAW) a task not collected within this many days (0 = never).'),
    creditInvoice: z
      .boolean()
      .default(false)
      .describe('Publish debt_collection.credit_requested when a task is sent.'),
  })
  .strict();

const source = z
  .object({
    adapter: z
      .enum(['generic', 'atomia'])
      .default('generic')
      .describe('ERP adapter for this source.'),
    ingressToken: secret(z.string().min(16).optional()).describe(
      'Bearer token for POST /v1/events from this source (HTTP ingress). Unset: ingress refused.',
    ),
    ingressSigningSecrets: z
      .array(secret(z.string().min(24)))
      .max(2)
      .default([])
      .describe(
        'Standard Webhooks signing secrets (`whsec_<base64>` or plain text) for POST /v1/events: when set, every request must also be signed with one of them (two during rotation).',
      ),
    seller: seller.describe('The seller (creditor) printed on this source’s invoices.'),
    defaults: contractDefaults.default(contractDefaults.parse({})).describe('Contract defaults.'),
    debtCollection: debtCollection
      .default(debtCollection.parse({}))
      .describe('Debt-collection task settings (contract §6).'),
  })
  .strict()
  .describe('One ERP source: its adapter, seller and contract defaults.');

export const brokerSchema = z
  .object({
    url: z
      .string()
      .regex(/^amqps?:\/\//, 'an amqp:// or amqps:// URL')
      .default('amqp://guest:guest@127.0.0.1:5672')
      .describe('AMQP URL (env AMQP_URL). Its password is masked in every printout.'),
    heartbeatSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(10)
      .describe(
        'AMQP heartbeat. A silent broker is detected after 2–3 heartbeats (amqplib), so 10 s detects one in about 30 s.',
      ),
    prefetch: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(20)
      .describe('Unacked deliveries per consumer.'),
    inboundExchange: z.string().min(1).default('erp.events').describe('Exchange ERPs publish to.'),
    outboundExchange: z
      .string()
      .min(1)
      .default('agency.events')
      .describe('Exchange the connector publishes results and news to.'),
    queuePrefix: z
      .string()
      .min(1)
      .default('connector')
      .describe('Prefix of the connector’s queues.'),
    deliveryLimit: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Quorum x-delivery-limit of inbound queues (poison messages dead-letter past it).'),
    maxQueueLength: z
      .number()
      .int()
      .min(1000)
      .default(5_000_000)
      .describe('x-max-length of inbound queues (reject-publish beyond it).'),
    retryDelaysMs: z
      .array(z.number().int().min(100))
      .min(1)
      .default([1_000, 5_000, 30_000, 120_000, 600_000])
      .describe('Delay-queue delays for attempt 1, 2, …; the last repeats.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .default(8)
      .describe('Delivery attempts through delay queues before a transient failure dead-letters.'),
    maxInFlightPublishes: z
      .number()
      .int()
      .min(1)
      .default(256)
      .describe('Unconfirmed publishes cap.'),
    publishTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe('Confirm wait per publish.'),
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe('Inbound body limit, checked before JSON.parse.'),
    maxJsonDepth: z
      .number()
      .int()
      .min(4)
      .max(256)
      .default(32)
      .describe('Inbound JSON nesting limit.'),
  })
  .strict();

export const agencySchema = z
  .object({
    baseUrl: z
      .url()
      .optional()
      .describe(
        'Partner API base URL including /api/v1/partner (env AGENCY_BASE_URL). Required by start.',
      ),
    apiKey: secret(z.string().min(1).optional()).describe(
      'Partner API key sent as X-Api-Key (env AGENCY_API_KEY). Required by start.',
    ),
    timeoutMs: z.number().int().min(100).default(15_000).describe('Per-request timeout.'),
    rateLimit: z
      .object({
        requestsPerSecond: z.number().positive().default(10).describe('Agency limit for this key.'),
        maxConcurrent: z.number().int().min(1).default(4).describe('Concurrent requests.'),
        instances: z
          .number()
          .int()
          .min(1)
          .default(1)
          .describe(
            'Connector instances sharing the key; each uses requestsPerSecond / instances.',
          ),
      })
      .strict()
      .default({ requestsPerSecond: 10, maxConcurrent: 4, instances: 1 })
      .describe('Client-side rate limit (the agency documents none).'),
    retry: z
      .object({
        retries: z.number().int().min(0).max(20).default(4).describe('In-process retries.'),
        minDelayMs: z.number().int().min(1).default(500).describe('Backoff base.'),
        maxDelayMs: z.number().int().min(1).default(30_000).describe('Backoff cap.'),
        maxRetryAfterMs: z
          .number()
          .int()
          .min(1)
          .default(120_000)
          .describe('A Retry-After beyond this stops in-process retries and opens the circuit.'),
      })
      .strict()
      .default({ retries: 4, minDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 })
      .describe('Retry policy for transient failures (full jitter, Retry-After honoured).'),
    circuit: z
      .object({
        failureThreshold: z.number().int().min(1).default(5).describe('Failures that open it.'),
        openMs: z.number().int().min(100).default(30_000).describe('How long it stays open.'),
      })
      .strict()
      .default({ failureThreshold: 5, openMs: 30_000 })
      .describe('Circuit breaker: while open, consumption pauses (backpressure, not failure).'),
  })
  .strict();

const schedule = (cron: string, what: string) =>
  z.string().min(1).default(cron).describe(`Cron schedule of the ${what} poller (croner syntax).`);

export const configSchema = z
  .object({
    broker: brokerSchema.default(brokerSchema.parse({})).describe('RabbitMQ.'),
    agency: agencySchema.default(agencySchema.parse({})).describe('The agency partner API.'),
    store: z
      .object({
        url: z
          .string()
          .regex(/^(sqlite:|mongodb(\+srv)?:\/\/)/, 'sqlite:<path> or mongodb://…')
          .default('sqlite:.data/connector.sqlite')
          .describe(
            'Store URL (env STORE_URL): sqlite:<path> (default) or mongodb://… (replica set).',
          ),
      })
      .strict()
      .default({ url: 'sqlite:.data/connector.sqlite' })
      .describe('Where state lives.'),
    http: z
      .object({
        host: z.string().default('127.0.0.1').describe('Bind address of the HTTP server.'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(8080)
          .describe('HTTP port (env HTTP_PORT).'),
        opsToken: secret(z.string().min(16).optional()).describe(
          'Bearer token of the ops API and dashboard login (env OPS_TOKEN). Unset: ops API off.',
        ),
        maxBodyBytes: z.number().int().min(1024).default(262_144).describe('Request body limit.'),
        operators: z
          .array(
            z
              .object({
                name: z
                  .string()
                  .regex(/^[A-Za-z0-9._@-]{1,64}$/)
                  .describe('Login name (recorded in the audit log).'),
                passwordHash: secret(
                  z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
                ).describe(
                  'scrypt hash from `node connector/ops/hash-password.ts` (scrypt$N$r$p$salt$hash).',
                ),
                role: z
                  .enum(['viewer', 'operator'])
                  .default('viewer')
                  .describe(
                    'viewer: read only; operator: may replay, discard, approve, cancel, run.',
                  ),
              })
              .strict(),
          )
          .default([])
          .describe('Dashboard accounts besides OPS_TOKEN (which logs in as an operator).'),
        sessionTtlMinutes: z
          .number()
          .int()
          .min(5)
          .max(1440)
          .default(480)
          .describe('Dashboard session lifetime (sessions live in the instance’s memory).'),
        consumerStallMs: z
          .number()
          .int()
          .min(1000)
          .default(300_000)
          .describe(
            'Readiness fails when a queue has messages waiting and its consumer handled none for this long.',
          ),
      })
      .strict()
      .default({
        host: '127.0.0.1',
        port: 8080,
        maxBodyBytes: 262_144,
        operators: [],
        sessionTtlMinutes: 480,
        consumerStallMs: 300_000,
      })
      .describe('Health, metrics, ingress and ops dashboard.'),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level (env LOG_LEVEL).'),
        pretty: z
          .enum(['auto', 'always', 'never'])
          .default('auto')
          .describe('pino-pretty output: auto = when stdout is a terminal.'),
      })
      .strict()
      .default({ level: 'info', pretty: 'auto' })
      .describe('Logging.'),
    pipeline: z
      .object({
        parkMaxHours: z
          .number()
          .positive()
          .default(72)
          .describe('An event parked longer than this (its invoice unknown) is dead-lettered.'),
        reconcileSettleMs: z
          .number()
          .int()
          .min(0)
          .default(5_000)
          .describe('Wait before deciding a lost action answer was not applied.'),
        maxReconcileAttempts: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe(
            "Reconcile rounds that may end unsettled (the action is not in the case's events, and its `reconcileSettleMs` has not passed) before the event goes to `MANUAL_REVIEW` (dead letter `manual_review`). The rounds are counted in the `x-connector-reconcile-rounds` header of the retried copies. An unknown outcome whose `broker.maxAttempts` run out first goes to manual review too.",
          ),
        invoiceLeaseMs: z
          .number()
          .int()
          .min(500)
          .default(15_000)
          .describe(
            'Lease on one invoice while its event is applied (serialises instances; renewed while held, so a crashed holder frees it after this long).',
          ),
      })
      .strict()
      .default({
        parkMaxHours: 72,
        reconcileSettleMs: 5_000,
        maxReconcileAttempts: 3,
        invoiceLeaseMs: 15_000,
      })
      .describe('Inbound pipeline.'),
    pollers: z
      .object({
        enabled: z.boolean().default(true).describe('Run the pollers on this instance.'),
        leaseTtlMs: z.number().int().min(1000).default(30_000).describe('Leader lease time.'),
        distribution: schedule('0 6 * * *', 'distribution'),
        cases: schedule('30 6 * * *', 'case'),
        payments: schedule('0 7 * * *', 'payments'),
        settlements: schedule('30 7 * * *', 'settlements'),
        caseMaxCallsPerRun: z
          .number()
          .int()
          .min(1)
          .default(10_000)
          .describe('Agency calls one case poll may spend.'),
        caseFullCycleRuns: z
          .number()
          .int()
          .min(1)
          .default(10)
          .describe(
            'Every open case is checked at least once per this many case polls (the longest unchecked get this share of the budget first; the rest goes to cases with recent activity or past due).',
          ),
        distributionWindowDays: z
          .number()
          .int()
          .min(1)
          .max(365)
          .default(30)
          .describe('Invoice-date window of the distribution poll, days back from today.'),
        paymentsOverlapDays: z
          .number()
          .int()
          .min(0)
          .max(60)
          .default(3)
          .describe(
            'Days each payment poll re-reads before the previous run’s end (duplicates dropped by key).',
          ),
        settlementsReconcileDays: z
          .number()
          .int()
          .min(1)
          .max(365)
          .default(30)
          .describe(
            'Window of the plain date-window settlement read that finds settlements a crash lost.',
          ),
        pageDays: z
          .number()
          .int()
          .min(1)
          .max(31)
          .default(7)
          .describe(
            'Days per agency read of a date window (one page; the cursor is stored after each).',
          ),
        debtCollection: z
          .string()
          .min(1)
          .default('*/5 * * * *')
          .describe('Cron schedule of the debt-collection task scheduler (croner syntax).'),
      })
      .strict()
      .default({
        enabled: true,
        leaseTtlMs: 30_000,
        distribution: '0 6 * * *',
        cases: '30 6 * * *',
        payments: '0 7 * * *',
        settlements: '30 7 * * *',
        caseMaxCallsPerRun: 10_000,
        caseFullCycleRuns: 10,
        distributionWindowDays: 30,
        paymentsOverlapDays: 3,
        settlementsReconcileDays: 30,
        pageDays: 7,
        debtCollection: '*/5 * * * *',
      })
      .describe('Agency pollers.'),
    sources: z
      .record(sourceName, source)
      .refine((s) => Object.keys(s).length > 0, 'at least one source is required')
      .describe('ERP sources by name; the name is the routing-key prefix.'),
  })
  .strict();

export type ConnectorConfig = z.infer<typeof configSchema>;
export type SourceConfig = ConnectorConfig['sources'][string];
export type BrokerConfig = ConnectorConfig['broker'];
export type AgencyConfig = ConnectorConfig['agency'];
