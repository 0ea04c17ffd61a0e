/**
 * Ack only after the effect is committed and confirmed: the connector process is killed
 * (SIGKILL) while the agency is still answering; the message is redelivered to the restarted
 * connector, not lost, and the agency holds the invoice once. Also: SIGTERM stops it with exit 0.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { envelope, invoiceData, parseEvent } from '../../helpers/events.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';

describe('ack after confirm (connector process killed mid-call)', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let sim: ReturnType<typeof createSimulator>;
  let agency: { baseUrl: string; close(): Promise<void> };
  let proc: ConnectorProcess | null = null;

  beforeEach(async () => {
    bed = await openTestBed('ack');
    ({ ns, raw, sim, agency } = bed);
  });

  afterEach(async () => {
    await proc?.kill('SIGKILL');
    await bed.close();
  });

  it('redelivers the message after a SIGKILL before the agency answered; one invoice, one result', async () => {
    const cfg = writeConfigFile(testConfigRaw(ns, agency.baseUrl));
    sim.setFaults({ latencyMs: 3000 });
    proc = await startConnectorProcess(cfg);
    await raw.waitForExchange(ns.agencyExchange);
    const results = await raw.collect(ns.agencyExchange, 'acme.#');
    const event = envelope('acme', 'invoice.created', invoiceData('200001'));
    await raw.publish(ns.erpExchange, event.routingKey, event.body, event.id);
    await waitUntil(
      () => sim.state().ledger.some((e) => e.endpoint === 'POST /invoice'),
      10_000,
      'request at the agency',
    );
    await proc.kill('SIGKILL');
    expect(results.messages).toHaveLength(0);
    sim.setFaults({ latencyMs: 0 });
    proc = await startConnectorProcess(cfg);
    await waitUntil(() => results.messages.length >= 1, 20_000, 'invoice.accepted after restart');
    const accepted = parseEvent(results.messages[0]!.content);
    expect(accepted.type).toBe('invoice.accepted');
    expect(accepted.causationid).toBe(event.id);
    expect(sim.state().invoiceCreates['200001']?.committed).toBe(1);
    await waitUntil(
      async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
      5000,
      'nothing left',
    );
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    proc = await startConnectorProcess(writeConfigFile(testConfigRaw(ns, agency.baseUrl)));
    const code = await proc.kill('SIGTERM');
    expect(code).toBe(0);
    expect(proc.output.join('')).toContain('connector stopped');
  });
});
