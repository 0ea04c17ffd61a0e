import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../connector/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level: 'debug', pretty: 'never', destination });
  return { logger, lines };
}

describe('log redaction', () => {
  it('prints neither the API key nor a personal id, at any of the usual depths', () => {
    const { logger, lines } = capture();
    const key = 'CANARY-KEY-0f9c';
    const hetu = '131052-308T';
    logger.info({ apiKey: key, agency: { apiKey: key }, headers: { 'x-api-key': key } }, 'config');
    logger.child({ module: 'pipeline', messageId: 'm-1' }).warn(
      {
        event: {
          data: { buyer: { personalId: hetu, name: 'Canary Person', email: 'c@x.example' } },
        },
        buyer: { personalId: hetu },
        personalId: hetu,
      },
      'event failed',
    );
    const text = lines.join('\n');
    expect(text).not.toContain(key);
    expect(text).not.toContain(hetu);
    expect(text).not.toContain('Canary Person');
    expect(text).not.toContain('c@x.example');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[1]).toMatchObject({ module: 'pipeline', messageId: 'm-1', msg: 'event failed' });
  });

  it('keeps ids and states that operators need', () => {
    const { logger, lines } = capture();
    logger.info({ messageId: 'abc', invoiceNumber: '100234', state: 'DONE' }, 'applied');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      messageId: 'abc',
      invoiceNumber: '100234',
      state: 'DONE',
    });
  });
});
