/** The production heap flags are written in three places; they must say the same. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_NODE_FLAGS } from '../../helpers/connector-process.ts';

describe('production heap flags', () => {
  it('the bin shebang, npm start and the Dockerfile agree', () => {
    expect(PRODUCTION_NODE_FLAGS.length).toBeGreaterThan(0);
    const start = (
      JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    const docker = readFileSync('Dockerfile', 'utf8');
    for (const flag of PRODUCTION_NODE_FLAGS) {
      expect(start).toContain(flag);
      expect(docker).toContain(`"${flag}"`);
    }
  });
});
