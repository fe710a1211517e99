// The real `keyhole serve` keeps its two outputs apart: the text log on stderr (at --log-level / KEYHOLE_LOG_LEVEL),
// the audit trail on stdout as JSON lines only when there is no audit.file, so `keyhole serve | jq` works. Each
// record names the server run (`instance`), the one in the "listening" log line, so two runs' s1 never meet.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../src/audit/events.ts';
import { KEYHOLE_BIN, runKeyhole } from '../helpers/cli.ts';
import { ssh2Exec } from '../helpers/clients.ts';
import { PASSWORD, withTestConfig } from '../helpers/server.ts';

interface Serving {
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly records: () => AuditRecord[];
  readonly port: Promise<number>;
  /** Resolves once stderr matches. */
  logged(pattern: RegExp): Promise<void>;
  stop(): Promise<void>;
}

// Starts `keyhole serve` with its stdout and stderr kept apart; the port comes from the server-start audit record, so
// that a quiet --log-level (no "listening" line) can be tested too.
function serve(args: string[], env: Record<string, string> = {}): Serving {
  const child = spawn(process.execPath, [KEYHOLE_BIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEYHOLE_DEBUG: '', KEYHOLE_LOG_LEVEL: '', ...env },
  });
  let out = '';
  let err = '';
  const waiting = new Set<{ pattern: RegExp; resolve: () => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whole lines only: a chunk may end inside a record.
  const records = () =>
    out
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as AuditRecord);
  const port = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const start = records().find((r) => r.event === 'server-start');
      if (start?.event === 'server-start') resolve(Number(start.listen.split(':').at(-1)));
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const w of [...waiting]) {
        if (!w.pattern.test(err)) continue;
        waiting.delete(w);
        w.resolve();
      }
    });
    void exited.then(() => reject(new Error(`keyhole serve exited before listening: ${err}`)));
  });
  return {
    stdout: () => out,
    stderr: () => err,
    records,
    port,
    logged: (pattern) =>
      pattern.test(err) ? Promise.resolve() : new Promise((resolve) => waiting.add({ pattern, resolve })),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

test('without audit.file the audit trail is JSON lines on stdout and the log is text on stderr', async (t) => {
  const config = await withTestConfig(t);
  const server = serve(['--config', config.configFile]);
  t.teardown(() => server.stop());
  const port = await server.port;
  t.is((await ssh2Exec(port, 'alice', { password: PASSWORD }, 'echo audited')).code, 0);
  t.is((await ssh2Exec(port, 'alice', { password: PASSWORD }, 'rm -rf /')).code, 127);
  await server.stop();

  const records = server.records(); // throws if any stdout line is not JSON
  t.true(records.length >= 6);
  t.true(records.some((r) => r.event === 'command' && r.argv.includes('audited')));
  t.true(
    records.some((r) => r.event === 'server-stop'),
    'the last records are written before the exit',
  );
  t.notRegex(server.stderr(), /"event"/, 'no audit record on stderr');
  for (const line of server.stderr().trim().split('\n')) {
    t.regex(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (debug|info|warn|error) /, `a text log line: ${line}`);
  }

  // One instance for the whole run, the one in the log; command and exit records say where the client was.
  const instance = /Keyhole listening on .* instance="([0-9a-f]{8})"/.exec(server.stderr())?.[1];
  t.truthy(instance, server.stderr());
  t.true(records.every((r) => r.instance === instance));
  const ran = records.filter((r) => r.event === 'command' || r.event === 'exit');
  t.true(ran.length >= 3);
  for (const r of ran) if (r.event === 'command' || r.event === 'exit') t.regex(r.addr, /^127\.0\.0\.1:\d+$/);
});

test('two runs of the server write records with different instances, so their session ids cannot be confused', async (t) => {
  const config = await withTestConfig(t);
  const instances: string[] = [];
  for (let run = 0; run < 2; run++) {
    const server = serve(['--config', config.configFile]);
    t.teardown(() => server.stop());
    const port = await server.port;
    t.is((await ssh2Exec(port, 'alice', { password: PASSWORD }, 'date')).code, 0);
    await server.stop();
    const start = server.records().find((r) => r.event === 'session-start');
    t.is(start?.event === 'session-start' ? start.session : '', 's1', 'session ids stay short to type');
    instances.push(start?.instance ?? '');
  }
  t.regex(instances[0]!, /^[0-9a-f]{8}$/);
  t.not(instances[0], instances[1]);
});

test('--log-level warn keeps info lines out of the log; the audit trail is unchanged', async (t) => {
  const config = await withTestConfig(t);
  const server = serve(['--config', config.configFile, '--log-level', 'warn']);
  t.teardown(() => server.stop());
  const port = await server.port;
  t.is((await ssh2Exec(port, 'alice', { password: PASSWORD }, 'date')).code, 0);
  await server.stop();
  t.notRegex(server.stderr(), / info /);
  t.true(server.records().some((r) => r.event === 'command'));
});

test('KEYHOLE_LOG_LEVEL=error does the same; --log-level wins over it', async (t) => {
  const config = await withTestConfig(t);
  const quiet = serve(['--config', config.configFile], { KEYHOLE_LOG_LEVEL: 'error' });
  t.teardown(() => quiet.stop());
  await quiet.port;
  await quiet.stop();
  t.notRegex(quiet.stderr(), / (info|warn) /);

  const loud = serve(['--config', config.configFile, '--log-level', 'info'], { KEYHOLE_LOG_LEVEL: 'error' });
  t.teardown(() => loud.stop());
  await loud.port;
  // The server-start record comes just before the "listening" line (and the signal handlers): wait for the line.
  await loud.logged(/ info Keyhole listening on /);
  await loud.stop();
});

test('an unknown log level is refused at start with the levels there are', async (t) => {
  const config = await withTestConfig(t);
  const flag = await runKeyhole(['serve', '--config', config.configFile, '--log-level', 'verbose']);
  t.is(flag.code, 2);
  t.is(flag.stderr, "keyhole: --log-level must be one of debug, info, warn, error, got 'verbose'\n");
  const env = await runKeyhole(['serve', '--config', config.configFile], undefined, { KEYHOLE_LOG_LEVEL: 'loud' });
  t.is(env.code, 2);
  t.is(env.stderr, "keyhole: KEYHOLE_LOG_LEVEL must be one of debug, info, warn, error, got 'loud'\n");
});

test('a missing cwd at run time: the exit record and keyhole exec both say which directory is missing', async (t) => {
  const config = await withTestConfig(t);
  const server = serve(['--config', config.configFile]);
  t.teardown(() => server.stop());
  const port = await server.port;
  // The config was checked at load (cwd exists); the directory goes away afterwards, as a bad deploy would do.
  rmSync(config.srv, { recursive: true, force: true });
  t.teardown(() => mkdirSync(config.srv, { recursive: true }));
  const known = path.join(config.dir, 'known_hosts');
  const args = ['exec', '-i', config.keys.deploy, '--known-hosts', known, '--accept-new', `deploy@127.0.0.1:${port}`];
  const plain = await runKeyhole([...args, '--', 'date']);
  t.is(plain.code, 127);
  t.regex(
    plain.stderr,
    new RegExp(`^keyhole: date: /\\S*date: cannot start: the working directory ${config.srv} is missing`),
  );
  const json = await runKeyhole([...args, '--json', '--', 'date']);
  t.is(json.code, 127);
  const result = JSON.parse(json.stdout) as { code: number; reason?: string };
  t.is(result.code, 127);
  t.regex(result.reason ?? '', /the working directory .* is missing; create it or fix cwd in the config/);
  await server.stop();
  const exit = server.records().find((r) => r.event === 'exit');
  t.regex(exit?.event === 'exit' ? (exit.error ?? '') : '', /the working directory .* is missing/);
});

test('keyhole exec prints the reason of a refusal, and --json carries it', async (t) => {
  const config = await withTestConfig(t);
  const server = serve(['--config', config.configFile]);
  t.teardown(() => server.stop());
  const port = await server.port;
  const known = path.join(config.dir, 'known_hosts');
  const args = ['exec', '-i', config.keys.deploy, '--known-hosts', known, '--accept-new', `deploy@127.0.0.1:${port}`];
  const plain = await runKeyhole([...args, '--', 'rm', '-rf', '/']);
  t.is(plain.code, 127);
  t.regex(plain.stderr, /^keyhole: unknown command 'rm'/);
  const json = await runKeyhole([...args, '--json', '--', 'rm', '-rf', '/']);
  t.regex((JSON.parse(json.stdout) as { reason: string }).reason, /^unknown command 'rm'/);
});
