#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=256
// Entry point of the installed CLI: runs the compiled build when present (Docker, npm pack),
// otherwise the TypeScript sources through Node's type stripping (Node >= 22.18). The heap
// flags keep the resident memory bounded (docs/performance.md): V8 otherwise sizes its young
// generation and old space from the machine's memory and does not give pages back.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/connector/cli.js', import.meta.url));
await import(existsSync(built) ? built : '../connector/cli.ts');
