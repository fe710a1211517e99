// Who commands run as when Keyhole runs as root: never root unless the config says `runAs: root`. These tests need
// root (CI runs as root); they are skipped elsewhere, where the unit tests in test/config still cover the resolution.
import { existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { loadConfigFile } from '../../src/config/load.ts';
import { ssh2Exec, type ExecResult } from '../helpers/clients.ts';
import { withServer, type TestServer } from '../helpers/server.ts';

const asRoot = process.getuid?.() === 0 ? test : test.skip;

const warningsOf = (s: TestServer): readonly string[] => {
  const loaded = loadConfigFile(s.configFile);
  return loaded.ok ? loaded.config.warnings : loaded.errors;
};

const exec = (s: TestServer, command: string): Promise<ExecResult> =>
  ssh2Exec(s.port, 'deploy', { privateKey: s.keys.deploy }, command);

asRoot(
  'a root server with no runAs runs commands as nobody, reading root-only files but writing nothing',
  async (t) => {
    const s = await withServer(t, {
      commands: {
        id: '{ program: /usr/bin/id, flags: [-u, -g, -G] }',
        touch: '{ program: /usr/bin/touch, args: any }',
      },
      operatorCommands: ['id', 'touch'],
    });
    t.true(
      warningsOf(s).some((w) => /config has no runAs: commands run as nobody/.test(w)),
      'the operator is told',
    );
    const uid = await exec(s, 'id -u');
    t.is(uid.stdout.trim(), '65534', `the command runs as nobody, not root (${uid.stderr})`);
    const groups = await exec(s, 'id -G');
    t.notRegex(` ${groups.stdout.trim()} `, / 0 /, 'root group dropped too');
    // hello.txt sits in root's 0700 temp dir: root-only, yet readable, as it was before this default existed.
    const read = await exec(s, `cat ${s.srv}/hello.txt`);
    t.is(read.stdout, 'srv-file\n');
    t.is(read.code, 0);
    const marker = path.join(s.srv, 'written-as-root');
    const write = await exec(s, `touch ${marker}`);
    t.not(write.code, 0, 'no write where only root may write');
    t.regex(write.stderr, /Permission denied/);
    t.false(existsSync(marker));
  },
);

asRoot('runAs: root says it, and then commands do run as root', async (t) => {
  const s = await withServer(t, {
    commands: { id: '{ program: /usr/bin/id, flags: [-u] }' },
    operatorCommands: ['id'],
    yaml: 'runAs: root',
  });
  t.deepEqual(warningsOf(s), []);
  t.is((await exec(s, 'id -u')).stdout.trim(), '0');
});

asRoot('runAs with a user and group runs as them, without the read capability', async (t) => {
  const s = await withServer(t, {
    commands: { id: '{ program: /usr/bin/id, flags: [-u, -g] }' },
    operatorCommands: ['id'],
    yaml: 'runAs: { user: nobody, group: nogroup }',
  });
  t.is((await exec(s, 'id -u')).stdout.trim(), '65534');
  const read = await exec(s, `cat ${s.srv}/hello.txt`);
  t.not(read.code, 0, 'a plain unprivileged user cannot read root-only files');
  t.regex(read.stderr, /Permission denied/);
  t.is((await exec(s, 'echo still here')).stdout, 'still here\n', 'the session is still usable');
});
