#!/usr/bin/env node
// Keyhole's command-line entry point. The sources are TypeScript run through tsx, so there is no build step:
// what is in src/ is what runs.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
