// ssh-audit (Debian package) against the real server: no failures in the scan, and the pinned algorithm policy in
// docs/ssh-audit/ holds exactly. CI installs ssh-audit; elsewhere the test says it was skipped.
import { execFile, execFileSync } from 'node:child_process';
import { serverPerFile } from '../helpers/server.ts';

const POLICY = 'docs/ssh-audit/keyhole-policy.txt';

function hasSshAudit(): boolean {
  try {
    execFileSync('ssh-audit', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // it ran (and exited non-zero on --help)
  }
}

const available = hasSshAudit();
const test = serverPerFile();

function sshAudit(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('ssh-audit', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

test('ssh-audit finds no failures in what Keyhole offers', async (t) => {
  if (!available) {
    if (process.env.CI) return t.fail('ssh-audit is not installed: .ci/run must install it');
    return t.log('skipped: ssh-audit is not installed (apt-get install ssh-audit)');
  }
  const { out } = await sshAudit(['-n', '-p', String(t.context.s.port), '127.0.0.1']);
  t.regex(out, /\(kex\) mlkem768x25519-sha256/);
  t.regex(out, /\(kex\) curve25519-sha256/);
  t.notRegex(out, /\[fail\]/);
  // The only warnings ssh-audit 2.5 (Debian 12) gives are that it does not know two names newer than itself: the
  // strict-kex (Terrapin fix) marker and the ML-KEM exchange (ssh-audit 3.3 and later rate it good).
  const warnings = out.split('\n').filter((l) => l.includes('[warn]'));
  const newer = /^\(kex\) (kex-strict-s-v00@openssh\.com|mlkem768x25519-sha256) +-- \[warn\] unknown algorithm$/;
  t.true(
    warnings.every((l) => newer.test(l.trim())),
    warnings.join('\n'),
  );
});

test('the pinned algorithm policy passes', async (t) => {
  if (!available) {
    if (process.env.CI) return t.fail('ssh-audit is not installed: .ci/run must install it');
    return t.log('skipped: ssh-audit is not installed');
  }
  const r = await sshAudit(['-P', POLICY, '-p', String(t.context.s.port), '127.0.0.1']);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /Passed/);
});
