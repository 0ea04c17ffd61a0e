/**
 * What most integration tests of the pipeline need: a unique broker namespace, a raw AMQP
 * channel to check the broker independently, and the agency simulator listening on a free port.
 * `close()` stops the simulator and deletes the namespace.
 */
import { createSimulator, type SimulatorOptions } from '../../adapters/agency/simulator/index.ts';
import { openRawAmqp, uniqueNamespace, type Namespace, type RawAmqp } from './amqp.ts';

export interface TestBed {
  ns: Namespace;
  raw: RawAmqp;
  sim: ReturnType<typeof createSimulator>;
  agency: { baseUrl: string; close(): Promise<void> };
  close(): Promise<void>;
}

export async function openTestBed(label: string, sim: SimulatorOptions = {}): Promise<TestBed> {
  const ns = uniqueNamespace(label);
  const raw = await openRawAmqp();
  const simulator = createSimulator({ apiKeys: ['sim-key'], ...sim });
  const agency = await simulator.listen({ port: 0 });
  return {
    ns,
    raw,
    sim: simulator,
    agency,
    async close() {
      await agency.close();
      await raw.cleanup(ns);
      await raw.close();
    },
  };
}
