#!/usr/bin/env node
// Keyhole's command-line entry point: the JavaScript that `npm install` built from src/ (npm run build).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('keyhole: dist/ is missing (not built); run `npm run build` in the keyhole folder\n');
  process.exit(1);
}
await import(main.href);
