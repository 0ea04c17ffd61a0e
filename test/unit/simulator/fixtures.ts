import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import type {
  Simulator,
  SimulatorOptions,
  WireCase,
  WireDistribution,
  WirePayment,
  WireSettlement,
} from '../../../adapters/agency/simulator/index.ts';
import type { CreateInvoiceRequest, InvoiceAction } from '../../../adapters/agency/types.ts';

export const BASE = 'http://sim.test/api/v1/partner';
export const KEY = 'sim-key';
/** Clock start used by the tests: Monday 2026-03-02 10:00 UTC. */
export const START = new Date('2026-03-02T10:00:00.000Z');

export function invoiceBody(
  number: number,
  overrides: {
    dueDate?: string;
    date?: string;
    gross?: number;
    currency?: string;
    email?: string | null;
    method?: 'EMAIL' | 'LETTER' | 'EINVOICE' | 'SMS';
    street?: string | null;
    paymentControl?: boolean;
    type?: 'INVOICE' | 'CREDIT_NOTE';
    creditedInvoiceNumber?: number;
    penaltyInterestPercentage?: number;
  } = {},
): CreateInvoiceRequest {
  const gross = overrides.gross ?? 124.0;
  const currency = overrides.currency ?? 'EUR';
  return {
    processing: {
      paymentControlEnabled: overrides.paymentControl ?? true,
      manualApprovalEnabled: false,
      accountingInvoiceEnabled: false,
    },
    distribution: { method: overrides.method ?? 'EMAIL', enabled: true },
    invoice: {
      header: {
        number,
        type: overrides.type ?? 'INVOICE',
        date: overrides.date ?? '2026-03-01',
        dueDate: overrides.dueDate ?? '2026-03-15',
        description: null,
        currencyCode: currency,
        languageCode: 'FI',
      },
      references: {
        payment: `RF${number}`,
        creditedInvoiceNumber: overrides.creditedInvoiceNumber ?? null,
      },
      parties: {
        sellerParty: {
          businessId: '0646115-8',
          name: 'Test Company Ltd',
          address: {
            street: 'Teirinkatu 6',
            postalCode: '65100',
            postalDistrict: 'VAASA',
            countryCode: 'FI',
          },
          paymentDetails: { iban: 'FI2112345600000785', bic: 'NDEAFIHH' },
        },
        buyerParty: {
          entityType: 'BUSINESS',
          name: 'Buyer Company Oy',
          businessId: '0646115-8',
          languageCode: 'FI',
          address: {
            street: overrides.street === undefined ? 'Kauppakatu 1' : overrides.street,
            postalCode: '00100',
            postalDistrict: 'HELSINKI',
            countryCode: 'FI',
          },
          contact: { email: overrides.email === undefined ? 'buyer@example.com' : overrides.email },
        },
      },
      rows: [
        {
          description: 'Service',
          quantity: 1,
          unitPrice: 100,
          vatPercentage: 24,
          netAmount: 100,
          vatAmount: 24,
          grossAmount: gross,
        },
      ],
      amounts: { netAmount: 100, vatAmount: 24, grossAmount: gross, currencyCode: currency },
      ...(overrides.penaltyInterestPercentage === undefined
        ? {}
        : { terms: { penaltyInterestPercentage: overrides.penaltyInterestPercentage } }),
    },
  };
}

export function newSim(options: SimulatorOptions = {}): Simulator {
  return createSimulator({ now: START, ...options });
}

/** One partner API request in process; `T` is the body type the test expects. */
export async function call<T = unknown>(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = KEY,
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await sim.app.request(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? null : JSON.parse(text)) as T,
    headers: res.headers,
  };
}

export async function createInvoice(
  sim: Simulator,
  number: number,
  overrides: Parameters<typeof invoiceBody>[1] = {},
): Promise<number> {
  const res = await call(sim, 'POST', '/invoice', invoiceBody(number, overrides));
  if (res.status !== 200)
    throw new Error(`create ${number}: ${res.status} ${JSON.stringify(res.body)}`);
  const found = await getCase(sim, number);
  return found.summary.caseId;
}

export async function getCase(sim: Simulator, invoiceNumber: number): Promise<WireCase> {
  const res = await call<{ case: WireCase }>(
    sim,
    'GET',
    `/invoice/case?invoiceNumber=${invoiceNumber}`,
  );
  if (res.status !== 200) throw new Error(`case ${invoiceNumber}: ${res.status}`);
  return res.body.case;
}

export function action(
  code: InvoiceAction['code'],
  invoiceNumber: number,
  caseId: number,
  comment: string,
  data: Partial<InvoiceAction['data']> = {},
): InvoiceAction {
  return { code, comment, data: { invoiceNumber, caseId, ...data } };
}

export interface DistributionBody {
  metaData: {
    totalCount: number;
    successfulCount: number;
    failedCount: number;
    filtersApplied: Record<string, unknown>;
  };
  distributions: WireDistribution[];
}

export async function distributions(sim: Simulator, query = ''): Promise<DistributionBody> {
  return (await call<DistributionBody>(sim, 'GET', `/invoice/distribution${query}`)).body;
}

export async function payments(sim: Simulator, query = ''): Promise<WirePayment[]> {
  return (await call<WirePayment[]>(sim, 'GET', `/payments${query}`)).body;
}

export interface SettlementsBody {
  createdAt: string;
  settlements: WireSettlement[];
}

export async function settlements(sim: Simulator, query = ''): Promise<SettlementsBody> {
  return (await call<SettlementsBody>(sim, 'GET', `/settlements${query}`)).body;
}
