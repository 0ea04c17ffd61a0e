#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled build when present (Docker, npm pack),
// otherwise the TypeScript sources through Node's type stripping (Node >= 22.18).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/connector/cli.js', import.meta.url));
await import(existsSync(built) ? built : '../connector/cli.ts');
