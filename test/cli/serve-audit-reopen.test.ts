// Rotating the audit file of the real `keyhole serve` process, as logrotate does: move the file away, signal the
// server (SIGUSR1 to reopen only, SIGHUP to reopen and reload), and the next command's record is in a new file.
import test from 'ava';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../src/audit/events.ts';
import { startServeProcess } from '../helpers/cli.ts';
import { ssh2Exec } from '../helpers/clients.ts';
import { PASSWORD, withTestConfig } from '../helpers/server.ts';

const auditLines = (file: string): AuditRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);

const hasCommand = (records: AuditRecord[], word: string) =>
  records.some((r) => r.event === 'command' && JSON.stringify(r).includes(word));

for (const signal of ['SIGUSR1', 'SIGHUP'] as const) {
  test(`after mv audit.log audit.log.1 and ${signal}, the next command is audited in a new audit.log`, async (t) => {
    const config = await withTestConfig(t, { yaml: 'audit: { file: $DIR/audit.log }' });
    const file = path.join(config.dir, 'audit.log');
    const server = await startServeProcess(config.configFile);
    t.teardown(() => server.child.kill('SIGKILL'));

    t.is((await ssh2Exec(server.port, 'alice', { password: PASSWORD }, 'echo before-rotation')).code, 0);
    renameSync(file, `${file}.1`);
    const from = server.log.text.length;
    server.child.kill(signal);
    await server.log.waitFor('audit file reopened', from);
    if (signal === 'SIGHUP') await server.log.waitFor('config reloaded', from);
    t.is((await ssh2Exec(server.port, 'alice', { password: PASSWORD }, 'echo after-rotation')).code, 0);

    t.true(existsSync(file));
    t.is(statSync(file).mode & 0o777, 0o600);
    const rotated = auditLines(`${file}.1`);
    const current = auditLines(file);
    t.true(hasCommand(rotated, 'before-rotation'));
    t.false(hasCommand(rotated, 'after-rotation'), 'nothing after the signal goes to the moved file');
    t.true(hasCommand(current, 'after-rotation'));
    t.false(hasCommand(current, 'before-rotation'), 'nothing is written twice');
    if (signal === 'SIGHUP')
      t.true(
        current.some((r) => r.event === 'config-reload'),
        'the reload record is new',
      );
    t.notRegex(server.log.text, /Debugger listening/, 'SIGUSR1 reopens the audit file, it does not start an inspector');
  });
}
