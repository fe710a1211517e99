// contrib/keyhole.service and contrib/keyhole.logrotate: systemd-analyze finds nothing to say about the unit (it needs
// no running systemd), and the paths the unit and the logrotate file name are the ones README's service section uses.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const unit = read('contrib/keyhole.service');
const logrotate = read('contrib/keyhole.logrotate');
const readme = read('README.md');
const serviceSection = /^## Run it as a service\n[\s\S]*?(?=^## )/m.exec(readme)?.[0] ?? '';

// The unit's `Key=value` settings (the last one wins, as for systemd), comments left out.
function settings(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, m[2]!);
  }
  return map;
}
const unitSettings = settings(unit);

// Runs systemd-analyze verify on the unit text, with ExecStart pointed at a program that exists here (verify checks
// that it is executable; keyhole is not installed under /usr/local/bin on a CI machine).
function verify(text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-unit-'));
  try {
    const file = path.join(dir, 'keyhole.service');
    writeFileSync(file, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
    return spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const verifyTest = analyze.status === 0 ? test : test.skip;
if (analyze.status !== 0) console.log('skipping systemd-analyze verify: systemd-analyze is not installed');

verifyTest('systemd-analyze verify has nothing to say about the unit', (t) => {
  const r = verify(unit);
  t.is(r.status, 0, r.stderr);
  t.is(r.stderr.trim(), '');
});

verifyTest('systemd-analyze verify does complain about a unit with an unknown directive (the check can fail)', (t) => {
  t.regex(verify(`${unit}\n[Service]\nProtectEverything=yes\n`).stderr, /Unknown key/);
});

test('the README has a "Run it as a service" section pointing at both contrib files', (t) => {
  t.not(serviceSection, '');
  t.true(serviceSection.includes('contrib/keyhole.service'));
  t.true(serviceSection.includes('contrib/keyhole.logrotate'));
});

test('the unit runs the installed bin on the config the README puts in /etc/keyhole', (t) => {
  const exec = unitSettings.get('ExecStart') ?? '';
  const [bin, ...args] = exec.split(/\s+/);
  t.is(bin, '/usr/local/bin/keyhole');
  t.deepEqual(args.slice(0, 1), ['serve']);
  const config = args[args.indexOf('--config') + 1]!;
  t.is(config, '/etc/keyhole/keyhole.yaml');
  t.true(serviceSection.includes(config));
  t.true(serviceSection.includes(bin!));
});

test('the unit sandboxes: strict read-only system, writable audit and key dirs the README names, restarts', (t) => {
  t.is(unitSettings.get('ProtectSystem'), 'strict');
  t.is(unitSettings.get('NoNewPrivileges'), 'yes');
  t.is(unitSettings.get('Restart'), 'on-failure');
  t.is(unitSettings.get('ExecReload'), '/bin/kill -HUP $MAINPID');
  const writable = (unitSettings.get('ReadWritePaths') ?? '').split(/\s+/);
  t.deepEqual(writable, ['/var/log/keyhole', '/etc/keyhole/keys']);
  for (const dir of writable) t.true(serviceSection.includes(dir), `README's service section names ${dir}`);
  const user = unitSettings.get('User')!;
  t.true(serviceSection.includes(`useradd`) && serviceSection.includes(` ${user}`), `README creates user ${user}`);
});

test("the logrotate file rotates the audit file under the unit's writable dir and signals only the main process", (t) => {
  const file = /^(\/\S+)\s*\{/m.exec(logrotate)?.[1] ?? '';
  t.true(file.startsWith('/var/log/keyhole/'));
  t.true((unitSettings.get('ReadWritePaths') ?? '').split(/\s+/).includes(path.dirname(file)));
  t.true(serviceSection.includes(file), `README's service section names ${file}`);
  t.regex(logrotate, /^\s+systemctl kill --kill-whom=main -s USR1 keyhole$/m);
  t.notRegex(logrotate, /^\s+copytruncate/m);
});

test("README's logrotate snippet is the contrib file's stanza, word for word", (t) => {
  const stanza = logrotate.slice(logrotate.indexOf('/var/log/'));
  t.true(readme.includes(stanza), "README's snippet and contrib/keyhole.logrotate differ");
});
