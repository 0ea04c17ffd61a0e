/**
 * Agency simulator benchmark: creates N invoices (default 100,000) through `app.request`, then
 * times reads against the full state, a 40-day clock advance (stage changes for every case), and
 * a settlement run. Prints requests/s and memory.
 *
 *   node bench/simulator.bench.ts [--count N] [--no-bodies]
 */
import { parseArgs } from 'node:util';
import { createSimulator } from '../adapters/agency/simulator/index.ts';
import type { CreateInvoiceRequest } from '../adapters/agency/types.ts';

const { values } = parseArgs({
  options: { count: { type: 'string' }, 'no-bodies': { type: 'boolean' } },
});
const count = Number(values.count ?? 100_000);
const recordBodies = !values['no-bodies'];

function body(number: number): CreateInvoiceRequest {
  const day = new Date(Date.UTC(2025, 2, 1) + (number % 365) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    processing: {
      paymentControlEnabled: true,
      manualApprovalEnabled: false,
      accountingInvoiceEnabled: false,
    },
    distribution: { method: 'EMAIL', enabled: true },
    invoice: {
      header: {
        number,
        type: 'INVOICE',
        date: day,
        dueDate: day,
        currencyCode: 'EUR',
        languageCode: 'FI',
      },
      references: { payment: `RF${number}` },
      parties: {
        sellerParty: {
          businessId: '0646115-8',
          name: 'Bench Seller Oy',
          address: {
            street: 'Katu 1',
            postalCode: '00100',
            postalDistrict: 'HELSINKI',
            countryCode: 'FI',
          },
          paymentDetails: { iban: 'FI2112345600000785', bic: 'NDEAFIHH' },
        },
        buyerParty: {
          entityType: 'BUSINESS',
          name: `Buyer ${number}`,
          languageCode: 'FI',
          address: {
            street: 'Tie 2',
            postalCode: '00200',
            postalDistrict: 'HELSINKI',
            countryCode: 'FI',
          },
          contact: { email: `buyer${number}@example.com` },
        },
      },
      rows: [
        {
          description: 'Service',
          quantity: 1,
          unitPrice: 100,
          vatPercentage: 25.5,
          netAmount: 100,
          vatAmount: 25.5,
          grossAmount: 125.5,
        },
      ],
      amounts: { netAmount: 100, vatAmount: 25.5, grossAmount: 125.5, currencyCode: 'EUR' },
    },
  };
}

const sim = createSimulator({ now: new Date('2026-03-01T10:00:00Z'), recordBodies });
const headers = { 'x-api-key': 'sim-key', 'content-type': 'application/json' };
const base = 'http://sim.local/api/v1/partner';

async function timed(label: string, n: number, fn: (i: number) => unknown): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = performance.now() - start;
  const rate = n > 1 ? `, ${Math.round((n / ms) * 1000).toLocaleString('en')} req/s` : '';
  console.log(
    `${label.padEnd(44)} ${n.toLocaleString('en').padStart(8)} x in ${ms.toFixed(0).padStart(6)} ms${rate}`,
  );
}

function memory(label: string): void {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(
    `${label.padEnd(44)} heap ${(heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(rss / 2 ** 20).toFixed(0)} MiB`,
  );
}

async function ok(res: Response | Promise<Response>): Promise<void> {
  const r = await res;
  if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
}

console.log(
  `agency simulator benchmark: ${count.toLocaleString('en')} invoices, ledger bodies ${recordBodies ? 'on' : 'off'}, node ${process.version}`,
);
memory('start');
const batches = 10;
const batch = Math.ceil(count / batches);
const rates: number[] = [];
const createStart = performance.now();
for (let b = 0; b < batches; b++) {
  const start = performance.now();
  for (let i = b * batch; i < Math.min(count, (b + 1) * batch); i++) {
    await ok(
      sim.app.request(`${base}/invoice`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body(1_000_000 + i)),
      }),
    );
  }
  rates.push(Math.round((batch / (performance.now() - start)) * 1000));
}
const createMs = performance.now() - createStart;
console.log(
  `${'POST /invoice'.padEnd(44)} ${count.toLocaleString('en').padStart(8)} x in ${createMs.toFixed(0).padStart(6)} ms, ` +
    `${Math.round((count / createMs) * 1000).toLocaleString('en')} req/s (per tenth: ${rates.join(' ')})`,
);
memory(`after ${count.toLocaleString('en')} invoices`);
await timed('clock advance 0 (distribute all)', 1, () => sim.clock.advance(0));
const get = (path: string) => ok(sim.app.request(`${base}${path}`, { headers }));
await timed('GET /invoice/case?invoiceNumber', 10_000, (i) =>
  get(`/invoice/case?invoiceNumber=${1_000_000 + ((i * 7919) % count)}`),
);
await timed('GET /invoice/distribution (1 day window)', 1_000, (i) => {
  const day = new Date(Date.UTC(2025, 2, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
  return get(`/invoice/distribution?fromInvDate=${day}&toInvDate=${day}`);
});
await timed('GET /invoice/distribution?invoiceNumber', 10_000, (i) =>
  get(`/invoice/distribution?invoiceNumber=${1_000_000 + i}`),
);
await timed('pay (10,000 invoices)', 10_000, (i) => sim.pay(String(1_000_000 + i), '10.00'));
await timed('GET /payments (default 30 days)', 100, () => get('/payments'));
await timed('GET /settlements?unfetchedOnly=true', 1_000, () =>
  get('/settlements?unfetchedOnly=true'),
);
await timed('clock advance 40 days (stages for all cases)', 1, () => sim.clock.advanceDays(40));
await timed('GET /invoice/case after advance', 10_000, (i) =>
  get(`/invoice/case?invoiceNumber=${1_000_000 + ((i * 7919) % count)}`),
);
memory('end');
