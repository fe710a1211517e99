// scripts/health-check.ts against a real server: --help and a bad option answer without a stack trace, and
// --accept-new records the unknown host key so the check runs.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withServer } from '../helpers/server.ts';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/health-check.ts');

// Runs the script with tsx, as its usage line says, and resolves with its status and output.
function healthCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('--help prints the usage with --accept-new and exits 0', async (t) => {
  const r = await healthCheck(['--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^usage: health-check /);
  t.regex(r.stdout, /--accept-new/);
  t.is(r.stderr, '');
});

test('an unknown option is one line and the usage, status 2, no stack trace', async (t) => {
  const r = await healthCheck(['--bogus']);
  t.is(r.code, 2);
  t.regex(r.stderr, /^health-check: .*--bogus/);
  t.notRegex(r.stderr, /\n\s+at /);
});

test('--accept-new records the unknown host key and the check reports ok', async (t) => {
  const s = await withServer(t, {
    commands: { uptime: '{ program: /usr/bin/uptime }', df: '{ program: /usr/bin/df, flags: [-h] }' },
    operatorCommands: ['uptime', 'df'],
  });
  const knownHosts = path.join(s.dir, 'known_hosts');
  const target = `deploy@127.0.0.1:${s.port}`;
  const refused = await healthCheck(['-i', s.keys.deploy, '--known-hosts', knownHosts, target]);
  t.is(refused.code, 1);
  t.regex(refused.stdout, /not known.*--accept-new/);
  t.false(existsSync(knownHosts));

  const r = await healthCheck(['-i', s.keys.deploy, '--known-hosts', knownHosts, '--accept-new', target]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, new RegExp(`^${target.replaceAll('.', '\\.')} .* ok$`, 'm'));
  t.regex(readFileSync(knownHosts, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${s.port} ssh-`));
});
