/** Writes docs/configuration.md from the config schema (`npm run docs:config`). */
import { writeFileSync } from 'node:fs';
import { configReference } from '../../config/docs.ts';
import { configSchema } from '../../config/index.ts';

writeFileSync('docs/configuration.md', configReference(configSchema));
console.log('wrote docs/configuration.md');
