/**
 * The private broker helper itself: a node of its own (ports, name, config), persistent messages
 * in durable queues survive SIGKILL and restart on the same data dir, the controls act on that
 * node only, and nothing is left behind: not by `stop()`, and not when the test process dies.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import amqplib, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/broker-control.ts';
import { waitUntil } from '../../helpers/amqp.ts';

const run = promisify(execFile);
const EPMD = '/usr/lib/erlang/bin/epmd';

async function epmdNames(): Promise<string> {
  const bin = existsSync(EPMD) ? EPMD : 'epmd';
  return (await run(bin, ['-names']).catch(() => ({ stdout: '' }))).stdout;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function connect(url: string): Promise<ChannelModel> {
  const c = await amqplib.connect(url);
  c.on('error', () => undefined);
  return c;
}

describe('private broker (broker-control)', () => {
  let broker: PrivateBroker;
  beforeAll(async () => {
    broker = await startPrivateBroker({
      label: 'ctl',
      conf: { consumer_timeout: 20_000 },
      advanced: ['{channel_tick_interval, 1000}'],
    });
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it('is a node of its own, with our settings', async () => {
    const t0 = performance.now();
    expect(broker.port).not.toBe(5672);
    expect((await broker.ctl(['eval', 'node().'])).trim()).toBe(broker.nodeName);
    expect(
      (await broker.ctl(['eval', 'application:get_env(rabbit, consumer_timeout).'])).trim(),
    ).toBe('{ok,20000}');
    expect(
      (await broker.ctl(['eval', 'application:get_env(rabbit, channel_tick_interval).'])).trim(),
    ).toBe('{ok,1000}');
    expect(await epmdNames()).toContain(broker.nodeName.split('@')[0]);
    console.log(
      `[broker-control] node ${broker.nodeName} on ${broker.port}; ctl round ${Math.round(performance.now() - t0)} ms`,
    );
  });

  it(
    'keeps persistent messages in durable queues across SIGKILL and restart',
    { timeout: 120_000 },
    async () => {
      const c = await connect(broker.url);
      const ch = await c.createConfirmChannel();
      await ch.assertQueue('bc.quorum', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await ch.assertQueue('bc.classic', { durable: true });
      for (let i = 0; i < 50; i++) {
        for (const q of ['bc.quorum', 'bc.classic'])
          ch.sendToQueue(q, Buffer.from(`m-${i}`), { persistent: true, messageId: `m-${i}` });
      }
      await ch.waitForConfirms();
      // Give the new quorum queue's Raft member a moment to persist its state: on 3.10.8 a member
      // killed within milliseconds of its declaration can come back leaderless (see triggerElections).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      const oldPid = broker.beamPid()!;
      const killedAt = performance.now();
      await broker.kill();
      await closed;
      expect(processGone(oldPid)).toBe(true);
      expect(broker.running()).toBe(false);
      await broker.restart();
      const restartMs = performance.now() - killedAt;
      expect(broker.beamPid()).not.toBe(oldPid);
      expect(Object.values(await broker.quorumStates())).toEqual(['leader']);
      const c2 = await connect(broker.url);
      const ch2 = await c2.createChannel();
      // Read them back (a quorum queue's declare-ok count can read 0 right after a restart, until
      // the queue handles a command; the messages are there).
      for (const q of ['bc.quorum', 'bc.classic']) {
        const got: string[] = [];
        for (;;) {
          const m = await ch2.get(q, { noAck: true });
          if (m === false) break;
          got.push(String(m.properties.messageId));
        }
        expect(got, q).toEqual(Array.from({ length: 50 }, (_, i) => `m-${i}`));
      }
      const recoveredMs = performance.now() - killedAt;
      await ch2.deleteQueue('bc.quorum');
      await ch2.deleteQueue('bc.classic');
      await c2.close();
      console.log(
        `[broker-control] kill → ready again: ${Math.round(restartMs)} ms; messages visible again: ${Math.round(recoveredMs)} ms; 50+50 kept`,
      );
    },
  );

  it('pause stops the node answering; resume brings it back', { timeout: 60_000 }, async () => {
    broker.pause();
    try {
      await expect(amqplib.connect(broker.url, { timeout: 1_500 })).rejects.toThrow();
    } finally {
      broker.resume();
    }
    await broker.waitReady(20_000);
  });

  it(
    'closes connections, lists consumers, raises and clears the memory alarm',
    { timeout: 60_000 },
    async () => {
      const c = await connect(broker.url);
      const ch = await c.createChannel();
      ch.on('error', () => undefined);
      await ch.assertQueue('bc.consumed', {
        durable: true,
        arguments: { 'x-queue-type': 'quorum' },
      });
      await ch.consume('bc.consumed', () => undefined);
      const rows = await broker.listConsumers();
      expect(rows.filter((r) => r.queue === 'bc.consumed')).toHaveLength(1);

      const pub = await connect(broker.url);
      const pch = await pub.createConfirmChannel();
      const blocked = new Promise<string>((resolve) =>
        pub.once('blocked', (r: string) => resolve(r)),
      );
      const unblocked = new Promise<void>((resolve) => pub.once('unblocked', () => resolve()));
      await broker.memoryAlarm(true);
      pch.sendToQueue('bc.consumed', Buffer.from('x'), { persistent: true });
      expect(await blocked).toMatch(/memory/iu);
      await broker.memoryAlarm(false);
      await unblocked;
      await pch.waitForConfirms();

      const reasons: string[] = [];
      const gone = [c, pub].map(
        (conn) =>
          new Promise<void>((resolve) =>
            conn.once('close', (err?: Error) => {
              reasons.push(String(err?.message));
              resolve();
            }),
          ),
      );
      await broker.closeAllConnections('test: close all');
      await Promise.all(gone);
      expect(reasons.every((r) => r.includes('test: close all'))).toBe(true);
      await waitUntil(
        async () => (await broker.listConsumers()).length === 0,
        10_000,
        'no consumers',
      );
      const c3 = await connect(broker.url);
      const ch3 = await c3.createChannel();
      await ch3.deleteQueue('bc.consumed');
      await c3.close();
    },
  );

  it('stop() leaves no process, no epmd name and no directory', { timeout: 120_000 }, async () => {
    const other = await startPrivateBroker({ label: 'ctl2' });
    const pid = other.beamPid()!;
    const short = other.nodeName.split('@')[0]!;
    expect(await epmdNames()).toContain(short);
    await other.stop();
    expect(processGone(pid)).toBe(true);
    expect(existsSync(other.dir)).toBe(false);
    await waitUntil(
      async () => !(await epmdNames()).includes(short),
      10_000,
      'epmd forgets the node',
    );
  });

  it(
    'a test process that dies without stop() leaves no orphan node (watchdog)',
    { timeout: 120_000 },
    async () => {
      const script = `
      import { startPrivateBroker } from './test/helpers/broker-control.ts';
      const b = await startPrivateBroker({ label: 'orphan' });
      process.stdout.write(JSON.stringify({ pid: b.beamPid(), dir: b.dir }) + '\\n');
      setInterval(() => undefined, 1000);
    `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const info = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]!) as never);
        });
        child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      expect(processGone(info.pid)).toBe(false);
      child.kill('SIGKILL');
      await waitUntil(() => processGone(info.pid), 15_000, 'orphan beam killed by the watchdog');
      await waitUntil(() => !existsSync(info.dir), 15_000, 'orphan dir removed');
    },
  );
});
