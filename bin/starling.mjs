#!/usr/bin/env node
// The `starling` command: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'ops', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('starling is not built yet: run `npm install && npm run build` (npm start does both).');
  process.exit(2);
}
await import(main);
