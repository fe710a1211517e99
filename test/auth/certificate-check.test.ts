// checkCertificate, the pure decision, on certificates ssh-keygen signs: what the OpenSSH client will not even offer
// (a host certificate as a user's) and the combinations of CA line options, principals and critical options.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAuthorizedKeys, type AuthorizedKey } from '../../src/auth/authorized-keys.ts';
import { parseCertificate, type Certificate } from '../../src/auth/certificate.ts';
import { checkCertificate, type CertificateTrust } from '../../src/auth/certificate-check.ts';
import { NOTHING_REVOKED, parseRevokedKeys } from '../../src/auth/revocation.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-certcheck-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function keygen(name: string): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}
const ca = keygen('ca');
const caLine = readFileSync(`${ca}.pub`, 'utf8').trim();

function cert(args: string[]): Certificate {
  const key = keygen(`u${++n}`);
  execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', `id${n}`, ...args, `${key}.pub`], { stdio: 'ignore' });
  return parseCertificate(Buffer.from(readFileSync(`${key}-cert.pub`, 'utf8').split(' ')[1]!, 'base64'));
}

function line(text: string): AuthorizedKey {
  const parsed = parseAuthorizedKeys(text, 'test');
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join('; '));
  return parsed.keys[0]!;
}

const trusted: CertificateTrust = {
  trustedCAs: [line(caLine)],
  userCAs: [],
  principals: null,
  revoked: NOTHING_REVOKED,
};
const viaLine = (options: string): CertificateTrust => ({
  ...trusted,
  trustedCAs: [],
  userCAs: [line(`${options} ${caLine}`)],
});
const at = { user: 'alice', ip: '10.1.2.3', now: new Date() };

test('a host certificate is no user certificate', (t) => {
  const decision = checkCertificate(cert(['-h', '-n', 'alice']), trusted, at);
  t.false(decision.ok);
  t.regex(decision.ok ? '' : decision.reason, /a host certificate, not a user certificate/);
});

test('a trusted CA: the user name as principal, permit-pty, the extensions listed', (t) => {
  const decision = checkCertificate(cert(['-n', 'bob,alice']), trusted, at);
  if (!decision.ok) return t.fail(decision.reason);
  t.is(decision.principal, 'alice');
  t.true(decision.ptyAllowed);
  t.true(decision.extensions.includes('permit-port-forwarding'));
  t.is(decision.forcedCommand, null);
});

test('source-address is matched against the client address, CIDR and lists', (t) => {
  t.true(checkCertificate(cert(['-n', 'alice', '-O', 'source-address=10.0.0.0/8']), trusted, at).ok);
  t.true(checkCertificate(cert(['-n', 'alice', '-O', 'source-address=192.168.0.1,10.1.2.3']), trusted, at).ok);
  const far = checkCertificate(cert(['-n', 'alice', '-O', 'source-address=192.168.0.0/16']), trusted, at);
  t.regex(far.ok ? '' : far.reason, /address 10\.1\.2\.3 not allowed/);
});

test('a cert-authority line: principals= replaces the user name, from= and expiry-time= apply, pty follows the line', (t) => {
  const ops = cert(['-n', 'ops']);
  t.false(checkCertificate(ops, trusted, at).ok, 'the user name is needed without principals=');
  t.true(checkCertificate(ops, viaLine('cert-authority,principals="ops,dba"'), at).ok);
  const from = checkCertificate(ops, viaLine('cert-authority,principals="ops",from="192.168.0.0/16"'), at);
  t.regex(from.ok ? '' : from.reason, /10\.1\.2\.3/);
  const expired = checkCertificate(ops, viaLine('cert-authority,principals="ops",expiry-time="20200101"'), at);
  t.regex(expired.ok ? '' : expired.reason, /expir/);
  const noPty = checkCertificate(ops, viaLine('cert-authority,principals="ops",no-pty'), at);
  t.true(noPty.ok && !noPty.ptyAllowed);
});

test("force-command: the certificate's, the line's command=, and refused when both differ", (t) => {
  const forced = cert(['-n', 'alice', '-O', 'force-command=uptime']);
  t.like(checkCertificate(forced, trusted, at), { ok: true, forcedCommand: 'uptime' });
  t.like(checkCertificate(cert(['-n', 'alice']), viaLine('cert-authority,command="df -h"'), at), {
    ok: true,
    forcedCommand: 'df -h',
  });
  t.like(checkCertificate(forced, viaLine('cert-authority,command="uptime"'), at), {
    ok: true,
    forcedCommand: 'uptime',
  });
  const both = checkCertificate(forced, viaLine('cert-authority,command="df -h"'), at);
  t.regex(both.ok ? '' : both.reason, /force-command and the authorized_keys command= differ/);
});

test('revoked by key id (a text list cannot say that; a KRL can)', (t) => {
  const c = cert(['-n', 'alice']);
  execFileSync('sh', [
    '-c',
    `printf 'id: ${c.keyId}\\n' > ${dir}/spec && ssh-keygen -q -k -f ${dir}/krl -s ${ca}.pub ${dir}/spec`,
  ]);
  const parsed = parseRevokedKeys(readFileSync(`${dir}/krl`), 'krl');
  if ('error' in parsed) return t.fail(parsed.error);
  const decision = checkCertificate(c, { ...trusted, revoked: parsed.revoked }, at);
  t.regex(decision.ok ? '' : decision.reason, /key id/);
});
