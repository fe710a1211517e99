// A corpus of restricted-shell escapes, drawn from public bypasses of lshell (CVE-2016-6902/6903, issues #147-#151),
// rbash and GTFOBins, each tried twice: as an exec request (ssh2's client) and typed into a pty shell (OpenSSH -tt).
// Every attempt must be refused by Keyhole itself (126/127 and a `keyhole:` line, or a refused request), must not
// create its marker file (what it would `touch` if it got through), and must leave the session usable.
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AuditRecord } from '../../src/audit/events.ts';
import { collect, connectSsh2, execOn, opensshArgs, type Credentials, type ExecResult } from '../helpers/clients.ts';
import { Screen } from '../helpers/screen.ts';
import { PASSWORD, startServerWith, type ServerOptions, type TestServer } from '../helpers/server.ts';

/** One escape attempt. `$MARKER`, `$SRV` and `$DIR` are filled in per attempt before the line is sent. */
interface Attempt {
  readonly what: string;
  readonly line: string;
  readonly code: 126 | 127;
  /** What Keyhole's refusal must say, after `keyhole: `. */
  readonly reason: string;
  /** On a pty, control characters are keys and long lines are cut by the editor: other keys or another refusal. */
  readonly pty?: { readonly keys?: string; readonly reason: string };
  /** Set when the exec request itself is bigger than an SSH packet may be (35000 bytes for ssh2): see the macro. */
  readonly oversizedPacket?: true;
}

const op = (o: string) => `'${o}' is not allowed`;
const unknown = (name: string) => `unknown command '${name}'`;
// What scp -O and rsync are told when no role allows them (not "unknown command", which reads like a typo).
const TRANSFER = 'file transfer (scp, sftp, rsync) is not enabled on this server';
const option = (o: string, cmd: string) => `option '${o}' is not permitted for '${cmd}'`;
const outside = (cmd: string) => `is outside the allowed directories for '${cmd}'`;
const adminOnly = (name: string) => `'${name}' needs admin rights`;
const DOLLAR = op('$');
const BACKTICK = op('`');
const BY_PATH = 'commands are named, not given by path';
const control = (hex: string) => `control character U+${hex}`;
const attempt = (what: string, line: string, code: 126 | 127, reason: string, pty?: Attempt['pty']): Attempt =>
  pty ? { what, line, code, reason, pty } : { what, line, code, reason };

const CORPUS: Record<string, readonly Attempt[]> = {
  'chaining and substitution': [
    attempt('a ; chain', 'echo ok; touch $MARKER', 126, op(';')),
    attempt('a ; chain without spaces', 'echo ok;touch $MARKER', 126, op(';')),
    attempt('an && chain', 'echo ok && touch $MARKER', 126, op('&&')),
    attempt('an || chain', 'false || touch $MARKER', 126, op('||')),
    attempt('a pipe', 'echo ok | touch $MARKER', 126, op('|')),
    attempt('a background job', 'echo ok & touch $MARKER', 126, op('&')),
    attempt('lshell #151: a function named after an allowed command', 'echo FREEDOM! && help () sh && help', 126, op('&&')), // prettier-ignore
    attempt('lshell #151: a function defined with ()', 'echo () sh && echo', 126, op('(')),
    attempt('a subshell', '(touch $MARKER)', 126, op('(')),
    attempt('$(...) substitution', 'echo $(touch $MARKER)', 126, DOLLAR),
    attempt('backtick substitution', 'echo `touch $MARKER`', 126, BACKTICK),
    attempt('$(...) inside double quotes', 'echo "$(touch $MARKER)"', 126, DOLLAR),
    attempt('backticks inside double quotes', 'echo "`touch $MARKER`"', 126, BACKTICK),
    attempt('${IFS} as a separator', 'echo${IFS}ok;touch${IFS}$MARKER', 126, DOLLAR),
    attempt("ANSI-C quoting $'\\n'", "echo $'\\n'touch $MARKER", 126, DOLLAR),
    attempt('redirection that creates the marker', 'echo ok > $MARKER', 126, op('>')),
    attempt('appending redirection', 'echo ok >> $MARKER', 126, op('>>')),
    attempt('&> redirection', 'echo ok &>$MARKER', 126, op('&')),
    attempt('input redirection from outside the root', 'cat < $DIR/outside/secret.txt', 126, op('<')),
  ],
  'control characters inside a line': [
    attempt('a newline (LF)', 'echo ok\ntouch $MARKER', 126, control('000A'), { reason: unknown('touch') }),
    attempt('a carriage return (CR)', 'echo ok\rtouch $MARKER', 126, control('000D'), { reason: unknown('touch') }),
    attempt('CRLF', 'echo ok\r\ntouch $MARKER', 126, control('000D'), { reason: unknown('touch') }),
    attempt('a NUL byte', 'echo\0touch $MARKER', 126, control('0000'), { reason: unknown('echotouch') }),
    attempt('lshell #149: Ctrl-V Ctrl-J', 'echo\x16\ntouch $MARKER', 126, control('0016'), {
      reason: unknown('touch'),
    }),
    attempt('bracketed-paste escape sequences', '\x1b[200~touch $MARKER\x1b[201~', 126, control('001B'), {
      reason: unknown('touch'),
    }),
    attempt('a C1 control (NEL)', 'echo\u0085touch $MARKER', 126, control('0085'), { reason: unknown('echotouch') }),
    attempt('DEL', 'touch $MARKER\x7f', 126, control('007F'), { reason: unknown('touch') }),
  ],
  'quotes that glue names': [
    attempt("'/bin/sh' in quotes", "'/bin/sh' -c 'touch $MARKER'", 126, BY_PATH),
    attempt('"ec"ho;touch', '"ec"ho;touch $MARKER', 126, op(';')),
    attempt('a quoted ; glued into the name', '"ec"ho";"touch $MARKER', 127, unknown('echo;touch')),
    attempt("lshell #148: echo'/../../bin/sh'", "echo'/../../bin/sh' -c 'touch $MARKER'", 126, BY_PATH),
    attempt("t'ou'ch", "t'ou'ch $MARKER", 127, unknown('touch')),
    attempt('"touch" in double quotes', '"touch" $MARKER', 127, unknown('touch')),
    attempt('s\\h with a backslash', "s\\h -c 'touch $MARKER'", 127, unknown('sh')),
    attempt("an empty '' command name", "'' touch $MARKER", 127, unknown('')),
    attempt('an unterminated single quote', "echo 'ok; touch $MARKER", 126, 'unterminated single quote'),
    attempt('an unterminated double quote', 'echo "ok; touch $MARKER', 126, 'unterminated double quote'),
  ],
  'environment assignment prefixes': [
    attempt('LD_PRELOAD=x echo', 'LD_PRELOAD=evil.so echo ok', 127, unknown('LD_PRELOAD=evil.so')),
    attempt('LD_PRELOAD=/abs/path echo', 'LD_PRELOAD=$DIR/evil.so echo ok', 126, BY_PATH),
    attempt('PATH=. ls', 'PATH=. ls', 127, unknown('PATH=.')),
    attempt('BASH_ENV=x echo', 'BASH_ENV=evil.sh echo ok', 127, unknown('BASH_ENV=evil.sh')),
    attempt('SHELLOPTS=xtrace with PS4', "SHELLOPTS=xtrace PS4='$(touch $MARKER)' echo ok", 127, unknown('SHELLOPTS=xtrace')), // prettier-ignore
    attempt('an exported bash function (Shellshock)', "BASH_FUNC_echo%%='() { touch $MARKER; }' echo", 126, BY_PATH), // prettier-ignore
    attempt('env as a launcher', 'env touch $MARKER', 127, unknown('env')),
    attempt('GTFOBins env through an allowed env', 'sh-env touch $MARKER', 126, "'sh-env' takes no arguments"),
  ],
  'options that run commands': [
    attempt('tar --checkpoint-action=exec', "tar -tvf x.tar --checkpoint=1 '--checkpoint-action=exec=touch $MARKER'", 126, option('--checkpoint=1', 'tar')), // prettier-ignore
    attempt('tar --checkpoint-action alone', "tar -tvf x.tar '--checkpoint-action=exec=touch $MARKER'", 126, "option '--checkpoint-action=exec=touch"), // prettier-ignore
    attempt('tar --to-command', "tar -tvf x.tar '--to-command=touch $MARKER'", 126, "option '--to-command=touch"),
    attempt('tar --use-compress-program', "tar -tvf x.tar '--use-compress-program=touch $MARKER'", 126, "option '--use-compress-program="), // prettier-ignore
    attempt('tar -I', "tar -tvf x.tar -I 'touch $MARKER'", 126, option('-I', 'tar')),
    attempt('tar -I hidden in a cluster', "tar -tvIf 'touch $MARKER' x.tar", 126, option('-tvIf', 'tar')),
    attempt('tar --rsh-command', "tar -tvf host:x.tar '--rsh-command=touch $MARKER'", 126, "option '--rsh-command="),
    attempt('find -exec', 'find $SRV -exec touch $MARKER +', 126, option('-exec', 'find')),
    attempt('find -execdir', 'find $SRV -execdir touch $MARKER +', 126, option('-execdir', 'find')),
    attempt('find -ok', 'find $SRV -ok touch $MARKER +', 126, option('-ok', 'find')),
    attempt('find -fprint', 'find $SRV -fprint $MARKER', 126, option('-fprint', 'find')),
    attempt('find -exec smuggled after --', 'find -- -exec touch $MARKER +', 126, outside('find')),
    attempt('ssh -o ProxyCommand', "ssh -o 'ProxyCommand=touch $MARKER' localhost", 126, option('-o', 'ssh')),
    attempt('ssh -oProxyCommand glued', "ssh '-oProxyCommand=touch $MARKER' localhost", 126, "option '-oProxyCommand="),
    attempt('GTFOBins date -f (file read)', 'date -f /etc/shadow', 126, "'date' takes no arguments"),
    attempt('sleep infinity', 'sleep infinity', 126, "operand 'infinity' is not permitted for 'sleep'"),
  ],
  'pagers, editors and interpreters': [
    attempt('less (then !sh)', 'less $SRV/hello.txt', 127, unknown('less')),
    attempt('more', 'more $SRV/hello.txt', 127, unknown('more')),
    attempt('vi -c :!', "vi -c ':!touch $MARKER'", 127, unknown('vi')),
    attempt('man -P', "man -P 'touch $MARKER' ls", 127, unknown('man')),
    attempt('nano', 'nano $SRV/hello.txt', 127, unknown('nano')),
    attempt('awk system()', `awk 'BEGIN {system("touch $MARKER")}'`, 127, unknown('awk')),
    attempt('python3 -c', `python3 -c 'import os; os.system("touch $MARKER")'`, 127, unknown('python3')),
    attempt('perl -e', `perl -e 'exec "touch $MARKER"'`, 127, unknown('perl')),
    attempt('bash -p', 'bash -p', 127, unknown('bash')),
    attempt('busybox sh', "busybox sh -c 'touch $MARKER'", 127, unknown('busybox')),
    attempt('script -c', "script -qc 'touch $MARKER' /dev/null", 127, unknown('script')),
  ],
  'file transfer through exec': [
    attempt('scp -t', 'scp -t $DIR', 127, TRANSFER),
    attempt('rsync --server', 'rsync --server -e.Lsfx . $DIR', 127, TRANSFER),
    attempt('sftp-server by path', '/usr/lib/openssh/sftp-server', 126, BY_PATH),
    attempt('internal-sftp', 'internal-sftp', 127, unknown('internal-sftp')),
  ],
  'path traversal': [
    attempt('an absolute path outside', 'cat /etc/passwd', 126, outside('cat')),
    attempt('../ from the working directory', 'cat ../keyhole.yaml', 126, outside('cat')),
    attempt('/srv/../', 'cat $SRV/../keyhole.yaml', 126, outside('cat')),
    attempt('many ../', 'cat $SRV/../../../../../../etc/passwd', 126, outside('cat')),
    attempt('//etc', 'cat //etc/passwd', 126, outside('cat')),
    attempt('/srv/./../', 'cat $SRV/./../keyhole.yaml', 126, outside('cat')),
    attempt('sub/../../', 'cat $SRV/sub/../../keyhole.yaml', 126, outside('cat')),
    attempt('the parent directory itself', 'ls -la $SRV/..', 126, outside('ls')),
    attempt('a root-name prefix (/srvx)', 'cat $SRVx/secret.txt', 126, outside('cat')),
    attempt('a root-name prefix directory', 'ls $SRVx', 126, outside('ls')),
  ],
  'symlinks out of a root': [
    attempt('a symlink to /etc', 'cat $SRV/etc-link/passwd', 126, outside('cat')),
    attempt('listing through a symlink to /etc', 'ls $SRV/etc-link', 126, outside('ls')),
    attempt('a symlink to a file outside', 'cat $SRV/secret-link', 126, outside('cat')),
    attempt('a relative symlink climbing out', 'cat $SRV/sub/up/keyhole.yaml', 126, outside('cat')),
    attempt('a symlink loop', 'cat $SRV/loop', 126, outside('cat')),
  ],
  'commands named by path': [
    attempt('/bin/sh -c', "/bin/sh -c 'touch $MARKER'", 126, BY_PATH),
    attempt('./echo', './echo ok', 126, BY_PATH),
    attempt('../../bin/sh', '../../bin/sh', 126, BY_PATH),
    attempt('/usr/bin/touch', '/usr/bin/touch $MARKER', 126, BY_PATH),
    attempt('an allowed program by its path', '/bin/echo ok', 126, BY_PATH),
  ],
  'globs, tilde and braces': [
    attempt('*', 'cat *', 126, op('*')),
    attempt('a glob in a path', 'cat $SRV/*.txt', 126, op('*')),
    attempt('?', 'cat /etc/passw?', 126, op('?')),
    attempt('[...]', 'cat [h]ello.txt', 126, op('[')),
    attempt('~root', 'cat ~root/.ssh/id_rsa', 126, "'~' at the start of a word is not allowed"),
    attempt('~/', 'cat ~/.ssh/authorized_keys', 126, "'~' at the start of a word is not allowed"),
    attempt('brace expansion into a command', '{touch,$MARKER}', 126, BY_PATH),
  ],
  'admin builtins without admin rights': [
    attempt('sessions', 'sessions', 126, adminOnly('sessions')),
    attempt('show_clients', 'show_clients', 126, adminOnly('show_clients')),
    attempt('kill of a session', 'kill s1', 126, adminOnly('kill')),
    attempt('kill of pid 1', 'kill 1', 126, adminOnly('kill')),
    attempt('shutdown', 'shutdown', 126, adminOnly('shutdown')),
    attempt('shutdown_server', 'shutdown_server', 126, adminOnly('shutdown_server')),
  ],
  'oversized and pathological lines': [
    {
      ...attempt('a 100 KB line', `touch $MARKER ${'a'.repeat(100_000)}`, 126, 'more than the limit of 8192', {
        reason: unknown('touch'),
      }),
      oversizedPacket: true,
    },
    attempt('a 34 KB line (just under an SSH packet)', `touch $MARKER ${'a'.repeat(34_000)}`, 126, 'more than the limit of 8192', { reason: unknown('touch') }), // prettier-ignore
    attempt('10,000 arguments', `touch $MARKER${' a'.repeat(10_000)}`, 126, 'more than the limit of 8192', {
      reason: 'more than 256 words', // the editor keeps the first 8 KiB: still 4,000 words
    }),
    attempt('300 words under the byte limit', `touch $MARKER${' a'.repeat(300)}`, 126, 'more than 256 words'),
    attempt('65 operands', `cat${' hello.txt'.repeat(65)}`, 126, "'cat' takes at most 64 arguments, got 65"),
    attempt('deeply nested quotes', `echo ${`"'"'`.repeat(1500)};touch $MARKER`, 126, op(';')),
    attempt('thousands of backslashes', `echo ${'\\'.repeat(4000)};touch $MARKER`, 126, op(';')),
    attempt('a trailing backslash', 'echo ok \\', 126, "a trailing '\\' escapes nothing"),
  ],
};

const test = anyTest as TestFn<Setup>;
type T = ExecutionContext<Setup>;

/** The server the attempts aim at (`server`, `audit`, `dir`, `srv`...), and what they use on it. */
interface Setup extends TestServer {
  readonly markers: string;
  readonly deploy: Credentials & { readonly privateKey: string };
  /** One connection for every exec attempt. */
  readonly exec: ssh2.Client;
  /** A few pty shells that the attempts take turns on. */
  readonly ptys: readonly PtyShell[];
}

// A pty shell driven through the OpenSSH client (escape character off); attempts run on it one at a time.
// Lost type-ahead: since evaluate.ts passes `io.stdin` to execute() for every command, the interactive shell makes a
// stdin pipe for each one, and keys that arrive while any command runs go into that pipe and are lost. Until that is
// fixed, these attempts type only at a prompt (several lines in one write are kept by the editor's type-ahead).
class PtyShell {
  readonly screen: Screen;
  #turn: Promise<unknown> = Promise.resolve();
  constructor(readonly child: ChildProcess) {
    this.screen = new Screen(child.stdout!, child.stderr!);
  }

  /**
   * Types `keys` then `echo TOKEN` in one write, at a prompt; resolves with what the terminal showed until TOKEN came
   * back followed by the next prompt. Typing only at a prompt matters: see the note above the class.
   */
  type(keys: string, token: string): Promise<string> {
    const run = this.#turn.then(async () => {
      const at = this.screen.mark();
      this.child.stdin!.write(`${keys}\recho ${token}\r`);
      const text = await this.screen.waitFor(new RegExp(`^${token}\\n\\S+@\\S+[$#] `, 'm'), at);
      return text.slice(at);
    });
    this.#turn = run.catch(() => undefined);
    return run;
  }
}

const SERVER: ServerOptions = {
  // Commands whose rules do not list the options that would run something else.
  commands: {
    tar: '{ program: /bin/tar, flags: [-t, -v], valueFlags: { -f: path }, paths: [$SRV] }',
    find: '{ program: /usr/bin/find, flags: [-print], paths: [$SRV] }',
    ssh: "{ program: ssh, flags: [-V], patterns: ['[a-z][a-z0-9.-]*'] }",
    mark: '{ program: /usr/bin/touch, paths: [$SRV] }',
  },
  operatorCommands: ['tar', 'find', 'ssh', 'mark'],
  // The env and request attempts each open a connection, all at once: more handshakes than the default 10 in flight;
  // the corpus runs its cases at once over a shared connection: more channels and commands than the defaults allow.
  limits: 'maxStartups: 100, maxChannelsPerConnection: 1000, maxCommandsPerUser: 1000',
};

// One server for the file, started here rather than by serverPerFile: the after hook checks it before closing it.
test.before(async (t) => {
  const c = await startServerWith(SERVER);
  makeFixtures(c.dir, c.srv);
  const deploy = { privateKey: c.keys.deploy };
  const exec = await connectSsh2(c.port, 'deploy', deploy);
  const ptys = await Promise.all([
    startPty(c.port, 'deploy', deploy, c.dir),
    startPty(c.port, 'alice', { password: PASSWORD }, c.dir),
    startPty(c.port, 'deploy', deploy, c.dir),
    startPty(c.port, 'alice', { password: PASSWORD }, c.dir),
  ]);
  t.context = { ...c, markers: path.join(c.dir, 'markers'), deploy, exec, ptys };
});

test.after.always(async (t) => {
  const s = t.context;
  if (!s?.server) return;
  // Nothing got through late (a background job, say), and nothing but harmless commands ever ran.
  t.deepEqual(readdirSync(s.markers), []);
  const ran = s.audit.records.flatMap((r) => (r.event === 'command' && r.allowed ? [r.argv] : []));
  const expected = (argv: readonly string[]) =>
    ['echo', 'sh-env'].includes(argv[0]!) || argv.join(' ').match(/^(mark .*\/dangling-|cat %2e%2e\/)/);
  const unexpected = ran.filter((argv) => !expected(argv));
  t.deepEqual(unexpected, []);
  s.exec.end();
  for (const pty of s.ptys) pty.child.kill();
  await s.close();
});

// The layout the attempts aim at: a root with symlinks out of it, and files beside it that must stay out of reach.
function makeFixtures(dir: string, srv: string): void {
  for (const sub of ['markers', 'outside', 'srvx']) mkdirSync(path.join(dir, sub));
  writeFileSync(path.join(dir, 'outside', 'secret.txt'), 'outside-secret\n');
  writeFileSync(path.join(dir, 'srvx', 'secret.txt'), 'srvx-secret\n');
  symlinkSync('/etc', path.join(srv, 'etc-link'));
  symlinkSync(path.join(dir, 'outside', 'secret.txt'), path.join(srv, 'secret-link'));
  symlinkSync('../..', path.join(srv, 'sub', 'up'));
  symlinkSync('loop', path.join(srv, 'loop'));
  for (const door of ['exec', 'pty']) {
    symlinkSync(path.join(dir, 'outside', `via-dangling-${door}`), path.join(srv, `dangling-${door}`));
  }
}

async function startPty(port: number, user: string, creds: Credentials, dir: string): Promise<PtyShell> {
  const { args, env } = opensshArgs(port, user, creds, dir, ['-tt', '-e', 'none']);
  const pty = new PtyShell(spawn('ssh', args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
  await pty.screen.waitFor(`${user}@`);
  return pty;
}

function fill(s: Setup, text: string, marker: string): string {
  return text.replaceAll('$MARKER', marker).replaceAll('$SRV', s.srv).replaceAll('$DIR', s.dir);
}

const refused = test.macro({
  async exec(t, _category: string, a: Attempt, index: number) {
    const s = t.context;
    await (a.oversizedPacket ? execOversized(t, a, index) : execRefused(t, a, index));
    const marker = path.join(s.markers, `${index}-pty`);
    const shown = await s.ptys[index % s.ptys.length]!.type(fill(s, a.pty?.keys ?? a.line, marker), `alive-${index}`);
    t.true(refusedWith(shown, fill(s, a.pty?.reason ?? a.reason, marker)), shown.slice(-600));
    t.false(existsSync(marker), 'the pty attempt created its marker');
  },
  title: (_title, category: string, a: Attempt) => `${category}: ${a.what} is refused by exec and on a pty`,
});

// Whether the terminal showed Keyhole's refusal line with this reason.
function refusedWith(shown: string, reason: string): boolean {
  return shown.split('\n').some((line) => line.startsWith('keyhole: ') && line.includes(reason));
}

async function execRefused(t: T, a: Attempt, index: number): Promise<void> {
  const s = t.context;
  const marker = path.join(s.markers, `${index}-exec`);
  const r = await execOn(s.exec, fill(s, a.line, marker));
  t.is(r.code, a.code, r.stderr);
  t.regex(r.stderr, /^keyhole: /);
  t.true(r.stderr.includes(fill(s, a.reason, marker)), r.stderr);
  t.is(r.stdout, '');
  t.false(existsSync(marker), 'the exec attempt created its marker');
  t.regex((await execOn(s.exec, 'whoami')).stdout, /^deploy /, 'the connection still answers');
}

// An exec request past 35000 bytes is a packet ssh2's transport refuses outright: the connection is dropped before
// Keyhole sees a line. The attempt is still refused (nothing runs) and the server goes on serving.
async function execOversized(t: T, a: Attempt, index: number): Promise<void> {
  const s = t.context;
  const marker = path.join(s.markers, `${index}-exec`);
  const client = await connectSsh2(s.server.port, 'deploy', s.deploy);
  client.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  const outcome = await execOn(client, fill(s, a.line, marker)).catch((err: Error) => err);
  t.true(outcome instanceof Error || outcome.code === null, `exec got an answer: ${JSON.stringify(outcome)}`);
  await closed;
  t.false(existsSync(marker), 'the exec attempt created its marker');
  t.is((await execOn(s.exec, 'echo alive')).stdout, 'alive\n');
}

let index = 0;
for (const [category, attempts] of Object.entries(CORPUS)) {
  for (const a of attempts) test(refused, category, a, index++);
}

// Found by this corpus: realpath says ENOENT for a dangling symlink too, and the resolver used to climb to the
// parent and count `$SRV/dangling-*` (pointing outside the root) as inside, so a command that writes (here `mark` =
// touch) followed the link out of the root. The resolver now refuses a path that exists but does not resolve.
test('a dangling symlink out of the root is refused for a command that writes (exec)', async (t) => {
  const s = t.context;
  const target = path.join(s.dir, 'outside', 'via-dangling-exec');
  const r = await execOn(s.exec, `mark ${s.srv}/dangling-exec`);
  t.false(existsSync(target), 'a file was created outside the root through the dangling symlink');
  t.is(r.code, 126, `stderr: ${r.stderr}`);
  t.true(r.stderr.includes(outside('mark')), r.stderr);
});

test('a dangling symlink out of the root is refused for a command that writes (pty)', async (t) => {
  const s = t.context;
  const target = path.join(s.dir, 'outside', 'via-dangling-pty');
  const shown = await s.ptys[0]!.type(`mark ${s.srv}/dangling-pty`, 'alive-dangling');
  t.false(existsSync(target), 'a file was created outside the root through the dangling symlink');
  t.true(refusedWith(shown, outside('mark')), shown);
});

// Not a refusal, and not an escape: Keyhole decodes nothing, so `%2e%2e` is a file name like any other, inside the root.
test('encoded-looking traversal (%2e%2e) is taken literally and stays inside the root (exec and pty)', async (t) => {
  const s = t.context;
  const literal = `${s.srv}/%2e%2e/%2e%2e/keyhole.yaml`;
  const r = await execOn(s.exec, 'cat %2e%2e/%2e%2e/keyhole.yaml');
  t.is(r.code, 1, r.stderr);
  t.true(r.stderr.includes(`${literal}: No such file or directory`), r.stderr);
  t.false(r.stdout.includes('listen:'));
  const shown = await s.ptys[1]!.type('cat %2e%2e/%2e%2e/keyhole.yaml', 'alive-encoded');
  t.true(shown.includes(`${literal}: No such file or directory`), shown);
  t.false(shown.includes('listen:'));
});

// SSH `env` requests: refused unless allow-listed (LANG, LC_*), and never in a command's environment.
const ENV_ATTEMPTS: readonly (readonly [name: string, value: string])[] = [
  ['LD_PRELOAD', '/tmp/evil.so'],
  ['LD_LIBRARY_PATH', '/tmp'],
  ['LD_AUDIT', '/tmp/evil.so'],
  ['BASH_ENV', '/tmp/evil.sh'],
  ['ENV', '/tmp/evil.sh'],
  ['PATH', '.'],
  ['SHELLOPTS', 'xtrace'],
  ['PS4', '$(touch /tmp/x)'],
  ['IFS', '/'],
  ['GCONV_PATH', '/tmp'],
  ['NODE_OPTIONS', '--require=/tmp/evil.js'],
  ['KEYHOLE_USER', 'boss'],
  ['LANG', 'C\nLD_PRELOAD=/tmp/evil.so'],
  ['LC_ALL', 'C'.repeat(5000)],
];

// Parses `env` output into NAME -> value.
function envOf(text: string): Map<string, string> {
  return new Map(text.match(/^[A-Z_]+=.*$/gm)?.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

// What a command's environment is without any env request: the configured one (KEYHOLE_SESSION aside).
function expectedEnv(t: T, seen: Map<string, string>): void {
  t.deepEqual([...seen.keys()].sort(), ['KEYHOLE_SESSION', 'KEYHOLE_USER', 'LANG', 'PATH']);
  t.like(Object.fromEntries(seen), { KEYHOLE_USER: 'deploy', LANG: 'C.UTF-8', PATH: '/usr/local/bin:/usr/bin:/bin' });
}

const envRefused = test.macro({
  async exec(t, name: string, value: string) {
    const s = t.context;
    const r = await new Promise<ExecResult>((resolve, reject) =>
      s.exec.exec('sh-env', { env: { [name]: value } }, (err, ch) => (err ? reject(err) : collect(ch).then(resolve))),
    );
    t.is(r.code, 0, r.stderr);
    const seen = envOf(r.stdout);
    expectedEnv(t, seen);
    await refusedEnv(s, seen.get('KEYHOLE_SESSION'), name);

    const client = await connectSsh2(s.server.port, 'deploy', s.deploy);
    t.teardown(() => client.end());
    const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm', cols: 200, rows: 40 }, { env: { [name]: value } }, (err, ch) =>
        err ? reject(err) : resolve(ch),
      ),
    );
    const screen = new Screen(channel);
    await screen.waitFor('deploy@');
    channel.write('sh-env\recho alive\r');
    const shown = await screen.waitFor(/^alive$/m);
    const onPty = envOf(shown);
    expectedEnv(t, onPty);
    await refusedEnv(s, onPty.get('KEYHOLE_SESSION'), name);
  },
  title: (_title, name: string) => `env request ${name} is refused and never reaches a command (exec and pty)`,
});

function refusedEnv(s: Setup, session: string | undefined, name: string): Promise<AuditRecord> {
  return auditRecord(
    s,
    (r) => r.event === 'request-refused' && r.request === 'env' && r.session === session && r.detail === name,
  );
}

// Resolves with the first audit record that matches, waiting for it to be written.
async function auditRecord(s: Setup, match: (r: AuditRecord) => boolean): Promise<AuditRecord> {
  for (;;) {
    const found = s.audit.records.find(match);
    if (found) return found;
    await once(s.audit, 'record');
  }
}

for (const [name, value] of ENV_ATTEMPTS) test(envRefused, name, value);

// Requests other than a session shell or exec: each refused and audited, with the session still usable after it.
class NoKeysAgent extends ssh2.BaseAgent {
  getIdentities(cb: (err: Error | undefined, keys?: Buffer[]) => void): void {
    cb(undefined, []);
  }
  sign(_key: unknown, _data: Buffer, ...rest: unknown[]): void {
    const cb = rest.find((x): x is (err: Error) => void => typeof x === 'function');
    cb?.(new Error('this agent holds no keys'));
  }
}

// @types/ssh2 lacks the per-channel `agentForward` option that ssh2 honours when the client has an agent.
const AGENT_FORWARD = { agentForward: true } as ssh2.ExecOptions;

type Request = (client: ssh2.Client, s: Setup) => Promise<Error | undefined>;
const answer =
  (start: (client: ssh2.Client, done: (err?: Error | null) => void, s: Setup) => void): Request =>
  (client, s) =>
    new Promise((resolve) => start(client, (err) => resolve(err ?? undefined), s));

const REQUESTS: readonly (readonly [what: string, audited: string, request: Request])[] = [
  ['local port forwarding to the server itself', 'direct-tcpip', answer((c, done, s) => c.forwardOut('127.0.0.1', 0, '127.0.0.1', s.server.port, done))], // prettier-ignore
  ['remote port forwarding', 'tcpip-forward', answer((c, done) => c.forwardIn('127.0.0.1', 0, done))],
  ['Unix socket forwarding', 'streamlocal', answer((c, done) => c.openssh_forwardOutStreamLocal('/run/docker.sock', done))], // prettier-ignore
  ['remote Unix socket forwarding', 'streamlocal-forward@openssh.com', answer((c, done, s) => c.openssh_forwardInStreamLocal(path.join(s.dir, 'fwd.sock'), done))], // prettier-ignore
  ['the sftp subsystem', 'sftp', answer((c, done) => c.sftp((err) => done(err)))],
  ['another subsystem', 'subsystem', answer((c, done) => c.subsys('netconf', (err) => done(err)))],
  ['X11 forwarding on an exec', 'x11', answer((c, done) => c.exec('echo x', { x11: true }, (err) => done(err)))],
  ['X11 forwarding on a shell', 'x11', answer((c, done) => c.shell({ x11: true }, (err) => done(err)))],
  ['agent forwarding', 'auth-agent', answer((c, done) => c.exec('echo x', AGENT_FORWARD, (err) => done(err)))], // prettier-ignore
];

const requestRefused = test.macro({
  async exec(t, _what: string, audited: string, request: Request) {
    const s = t.context;
    const client = await connectWithAgent(s);
    t.teardown(() => client.end());
    const shell = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm', cols: 120, rows: 40 }, (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    const screen = new Screen(shell);
    await screen.waitFor('deploy@');
    const session = (await execOn(client, 'sh-env')).stdout.match(/^KEYHOLE_SESSION=(.*)$/m)?.[1];
    t.truthy(await request(client, s), 'the client was not told of a refusal');
    await auditRecord(s, (r) => r.event === 'request-refused' && r.request === audited && r.session === session);
    t.is((await execOn(client, 'echo alive')).stdout, 'alive\n');
    const at = screen.mark();
    shell.write('echo alive\r');
    await screen.waitFor(/^alive$/m, at);
  },
  title: (_title, what: string) => `${what} is refused, audited, and the session goes on`,
});

function connectWithAgent(s: Setup): Promise<ssh2.Client> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.on('error', () => undefined); // a refused request may end a channel; the test checks what follows
      resolve(client);
    });
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: s.server.port,
      username: 'deploy',
      privateKey: readFileSync(s.deploy.privateKey),
      agent: new NoKeysAgent(),
      strictVendor: false, // the streamlocal requests are OpenSSH extensions; send them anyway
    });
  });
}

for (const [what, audited, request] of REQUESTS) test(requestRefused, what, audited, request);
