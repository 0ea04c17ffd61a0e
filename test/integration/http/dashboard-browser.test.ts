/**
 * The dashboard in Debian's Chromium, driven by playwright-core: log in, open a dead letter's
 * story, replay it, see it leave the open list, see the audit entry. Takes a screenshot of the
 * overview (into docs/ops-overview.png when UPDATE_SCREENSHOTS=1, else a temp dir).
 * Skipped, with the reason, when /usr/bin/chromium is missing (`apt-get install -y chromium`).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorMetrics } from '../../../connector/metrics/index.ts';
import {
  createHarness,
  deadLetterFixture,
  failedInbox,
  OPS_TOKEN,
  type Harness,
} from '../../unit/http/harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );

let h: Harness;
let browser: BrowserContext;
let server: ReturnType<typeof serve>;
let base = '';

beforeAll(async () => {
  if (!hasChromium) return;
  let clock = Date.now() - 59 * 60_000;
  const metrics = createConnectorMetrics({ processMetrics: false, now: () => clock });
  for (let minute = 0; minute < 60; minute++) {
    clock = Date.now() - (59 - minute) * 60_000;
    const n = 20 + Math.round(15 * Math.sin(minute / 6)) + (minute % 7);
    for (let i = 0; i < n; i++) {
      metrics.onOutcome({
        source: 'acme',
        type: 'invoice.created',
        outcome: i < (minute % 11 === 3 ? 6 : 1) ? 'retried' : 'done',
      });
    }
  }
  clock = Date.now();
  h = await createHarness({
    metrics,
    limiter: () => ({ queued: 3, running: 2, pausedUntil: null, circuit: 'closed' }),
    queues: () =>
      Promise.resolve([
        { queue: 'connector.acme.inbound', messages: 42, consumers: 1 },
        { queue: 'connector.dead-letter', messages: 1, consumers: 0 },
        { queue: 'connector.unroutable', messages: 0, consumers: 0 },
      ]),
    pollers: {
      status: () => [
        {
          name: 'distribution',
          running: false,
          lastRunAt: '2026-11-23T06:00:00.000Z',
          lastResult: 'ok',
          lastSuccessAt: '2026-11-23T06:00:04.000Z',
          nextRunAt: '2026-11-24T06:00:00.000Z',
        },
        {
          name: 'cases',
          running: true,
          lastRunAt: '2026-11-23T06:30:00.000Z',
          lastResult: 'ok',
          lastSuccessAt: '2026-11-23T06:31:10.000Z',
          nextRunAt: '2026-11-24T06:30:00.000Z',
        },
      ],
      runNow: () => Promise.resolve({}),
    },
  });
  for (let i = 0; i < 400; i++)
    h.metrics.onOutcome({
      source: 'acme',
      type: 'invoice.created',
      outcome: i % 37 === 0 ? 'dead_lettered' : 'done',
    });
  await h.store.commit({
    deadLetters: [
      deadLetterFixture(),
      deadLetterFixture({
        id: 'dl-2',
        messageId: 'msg-2',
        invoiceNumber: '1002',
        reason: 'invalid_message',
      }),
    ],
    inbox: [failedInbox()],
  });
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port),
    );
  });
  base = `http://127.0.0.1:${port}`;
  // A fresh profile each run (the persistent context is Playwright's way to set --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

describe.skipIf(!hasChromium)('ops dashboard in Chromium', () => {
  it('log in, read a story, replay it, see it gone and audited', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const first = await page.goto(`${base}/ops/dead-letters`);
    expect(first?.status()).toBe(401);
    await page.fill('input[name=password]', OPS_TOKEN);
    await page.click('form.login button');
    await page.waitForURL(`${base}/ops/dead-letters`);
    expect(await page.locator('table tbody tr').count()).toBe(2);
    await page.click('a[href="/ops/dead-letters/dl-1"]');
    await page.waitForURL(`${base}/ops/dead-letters/dl-1`);
    const story = await page.locator('main').innerText();
    expect(story).toContain('permanent: invalid postal code');
    expect(story).toContain('J. Q. D.');
    expect(story).not.toContain('Jane Quinn Doe');
    expect(story).not.toContain('010190-123A');
    await page.click('button:has-text("Replay")');
    await page.waitForURL(/\/ops\/dead-letters\?flash=replayed/);
    expect(await page.locator('.flash').innerText()).toContain('Replayed');
    expect(await page.locator('a[href="/ops/dead-letters/dl-1"]').count()).toBe(0);
    expect(await page.locator('a[href="/ops/dead-letters/dl-2"]').count()).toBe(1);
    expect(h.relayed.map((r) => r.headers['x-message-id'])).toEqual(['msg-1']);
    await page.goto(`${base}/ops/audit`);
    const audit = await page.locator('table').innerText();
    expect(audit).toContain('dead-letter.replay');
    expect(audit).toContain('ops-token');
    expect(audit).toContain('dl-1');
    await page.goto(`${base}/ops`);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    const out =
      process.env.UPDATE_SCREENSHOTS === '1'
        ? join('docs', 'ops-overview.png')
        : join(mkdtempSync(join(tmpdir(), 'shot-')), 'ops-overview.png');
    await page.screenshot({ path: out, fullPage: true });
    expect(existsSync(out)).toBe(true);
    // The 401 of the first page and the favicon 404 are expected; no CSP violation is.
    expect(errors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
  });
});
