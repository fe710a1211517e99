// `keyhole connect` in a real terminal (tmux) against a real server: log in, run, refusals, completion, history,
// Ctrl-C, the commands panel, paging, colour, resizing, quitting, host keys and password prompts.
import type { ExecutionContext } from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyFile } from '../../../src/client/ui/history-store.ts';
import { KEYHOLE_BIN } from '../../helpers/cli.ts';
import { PASSWORD, serverPerFile, type TestServer } from '../../helpers/server.ts';
import { closeTmux, limit, Terminal } from './tmux.ts';

const test = serverPerFile();
const slot = limit(2);
// A test that drives terminals: at most two run at once.
const tui = (title: string, body: (t: ExecutionContext<{ s: TestServer }>) => Promise<void>) =>
  test(title, (t) => slot(() => body(t)));
test.before((t) => {
  writeFileSync(
    path.join(t.context.s.srv, 'long.txt'),
    Array.from({ length: 200 }, (_, i) => `line ${i + 1}\n`).join(''),
  );
});
test.after.always(() => closeTmux());

// A known_hosts file that trusts the test server (or holds another key for it, when `changed`).
function knownHosts(s: TestServer, changed = false): string {
  const file = path.join(mkdtempSync(path.join(s.dir, 'kh-')), 'known_hosts');
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  const key = changed ? readFileSync(`${s.keys.stranger}.pub`, 'utf8').split(' ') : pub;
  writeFileSync(file, `[127.0.0.1]:${s.port} ${key[0]} ${key[1]}\n`);
  return file;
}

interface Client {
  readonly term: Terminal;
  readonly state: string;
}

/** Starts `keyhole connect` as `user` (with its key, if it has one) in a fresh terminal, with its own state dir. */
async function connect(
  s: TestServer,
  opts: { user?: string; size?: [number, number]; env?: Record<string, string>; state?: string; hosts?: string } = {},
): Promise<Client> {
  const user = opts.user ?? 'deploy';
  const state = opts.state ?? mkdtempSync(path.join(s.dir, 'state-'));
  const key = user === 'deploy' ? ['-i', s.keys.deploy] : user === 'boss' ? ['-i', s.keys.boss] : [];
  const argv = [process.execPath, KEYHOLE_BIN, 'connect', ...key, '--known-hosts', opts.hosts ?? knownHosts(s)];
  const env = { XDG_STATE_HOME: state, SSH_AUTH_SOCK: '', LANG: 'C.UTF-8', NO_COLOR: '', ...opts.env };
  const [width, height] = opts.size ?? [100, 30];
  const term = await Terminal.start([...argv, `${user}@127.0.0.1:${s.port}`], env, width, height);
  return { term, state };
}
const ready = (c: Client) => c.term.waitFor(/● connected/);

tui('logs in and shows user@host, role and state in the status bar under the input line (80x24)', async (t) => {
  const { term } = await connect(t.context.s, { size: [80, 24] });
  t.teardown(() => term.close());
  const screen = await ready({ term, state: '' });
  const rows = screen.split('\n').filter((_, i, all) => i < all.length - 1);
  t.is(rows.length, 24);
  t.regex(rows[22]!, /^deploy@127\.0\.0\.1\$ *$/);
  t.regex(rows[23]!, new RegExp(`^ deploy@127\\.0\\.0\\.1:${t.context.s.port} │ operator │ ● connected`));
  t.regex(screen, /Connected to keyhole\/[\d.]+ at deploy@127\.0\.0\.1:\d+ as deploy \(role operator\)/);
});

tui('runs an allowed command and shows its output, exit code and duration', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('echo "hello tui"');
  const screen = await c.term.waitFor(/✓ exit 0 · [\d.]+ m?s/);
  t.regex(screen, /deploy@127\.0\.0\.1\$ echo "hello tui"\nhello tui\n✓ exit 0 · [\d.]+ m?s/);
  t.regex(screen, /│ exit 0 │/);
});

tui('shows the server refusal of a denied and of an unknown command, with its reason and code', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('cat /etc/passwd');
  await c.term.waitFor(/✗ denied \(126\): path '\/etc\/passwd' is outside the allowed directories/);
  await c.term.line('vi');
  const screen = await c.term.waitFor(/✗ unknown command \(127\): unknown command 'vi'/);
  t.regex(screen, /│ exit 127 │/);
});

tui('refuses what the server tokenizer refuses without sending it, with the same reason', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('ls | sh');
  await c.term.waitFor(/✗ not sent: '\|' is not allowed: pipes are not supported/);
  t.false(t.context.s.audit.records.some((r) => r.event === 'command' && r.argv?.[0] === 'ls' && r.argv[1] === '|'));
});

tui('Tab completes commands and their flags; a second Tab lists the choices', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.keys({ text: 'ech' }, 'Tab');
  await c.term.waitFor(/\ndeploy@127\.0\.0\.1\$ echo\n/);
  // The completed word is followed by a space: the cursor stands after it (tmux trims trailing spaces).
  t.is(await c.term.display('#{cursor_x}'), String('deploy@127.0.0.1$ echo '.length));
  await c.term.keys('C-u', { text: 'ls -' }, 'Tab', 'Tab');
  const screen = await c.term.waitFor(/-a +-l +-la\n/);
  t.regex(screen, /\ndeploy@127\.0\.0\.1\$ ls -\n/);
});

tui('Up recalls earlier lines, kept per host across sessions', async (t) => {
  const first = await connect(t.context.s);
  t.teardown(() => first.term.close());
  await ready(first);
  await first.term.line('echo remembered');
  await first.term.waitFor(/✓ exit 0/);
  await first.term.keys('C-d');
  await first.term.waitFor(/\[exited 0\]/);
  const file = historyFile(
    { user: 'deploy', host: '127.0.0.1', port: t.context.s.port },
    { XDG_STATE_HOME: first.state },
  );
  t.is(readFileSync(file, 'utf8'), 'echo remembered\n');
  const second = await connect(t.context.s, { state: first.state });
  t.teardown(() => second.term.close());
  await ready(second);
  await second.term.keys('Up');
  await second.term.waitFor(/\ndeploy@127\.0\.0\.1\$ echo remembered\n/);
  t.pass();
});

tui('Ctrl-R searches the history backwards, as in bash, and Enter runs the match', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('echo searched-for');
  await c.term.waitFor(/✓ exit 0/);
  await c.term.line('date');
  await c.term.waitFor(/date\n[^\n]*\n✓ exit 0/);
  await c.term.keys('C-r', { text: 'search' });
  await c.term.waitFor(/\(reverse-i-search\)`search': echo searched-for/);
  await c.term.keys('Enter');
  const ran = /\$ echo searched-for\nsearched-for\n✓ exit 0/g;
  const screen = await c.term.waitFor(new RegExp(`${ran.source}(.*\\n)*.*${ran.source}`));
  t.is(screen.match(ran)?.length, 2, 'the found line ran again');
  t.notRegex(screen, /reverse-i-search/, 'the normal prompt is back');
});

tui('Ctrl-C stops the running command', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('sleep 30');
  await c.term.waitFor(/● running/);
  await c.term.keys('C-c');
  const screen = await c.term.waitFor(/✗ canceled · .*exit \d+/);
  t.regex(screen, /● connected/);
});

tui('F1 shows the commands this user may run with their rules', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.keys('F1');
  // The frame can be drawn a moment before its lines: wait for the lines themselves.
  const screen = await c.term.waitFor(/│sleep +│\n.*│ {2}no options; operands matching +│/);
  t.regex(screen, /Commands \(F1\)/);
  t.regex(screen, /│sleep +│\n.*│ {2}no options; operands matching +│\n.*│ {2}\/\[0-9\]\+\/; at most 1 argument +│/);
});

tui('long output can be paged back with PgUp and forward with PgDn, or scrolled with the wheel', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line(`cat ${t.context.s.srv}/long.txt`);
  await c.term.waitFor(/line 200\n✓ exit 0/);
  await c.term.keys('PageUp');
  const up = await c.term.waitFor(/\d+ more below \(PgDn\)/);
  t.notRegex(up, /line 200/);
  await c.term.keys('PageDown', 'PageDown', 'PageDown');
  await c.term.waitFor(/line 200\n✓ exit 0/);
  // The mouse wheel (an SGR mouse report, as a terminal sends it) scrolls too.
  await c.term.keys({ text: '\x1b[<64;10;5M' });
  await c.term.waitFor(/\d+ more below \(PgDn\)/);
  await c.term.keys({ text: '\x1b[<65;10;5M' });
  await c.term.waitFor(/line 200\n✓ exit 0/);
  t.pass();
});

tui('stderr is red with colour, and marked with "! " under NO_COLOR, which uses no colour at all', async (t) => {
  const colour = await connect(t.context.s);
  const plain = await connect(t.context.s, { env: { NO_COLOR: '1' } });
  t.teardown(() => (colour.term.close(), plain.term.close()));
  await Promise.all([ready(colour), ready(plain)]);
  const nope = `ls ${t.context.s.srv}/nope`;
  await colour.term.line(nope);
  await plain.term.line(nope);
  // ls names itself by its argv[0]: `ls`, or its path when a root server runs it through setpriv (run-as.ts).
  await colour.term.waitFor(/\x1b\[31m(\x1b\[\d+m)*(\/\S+\/)?ls: cannot access/, true);
  const screen = await plain.term.waitFor(/✗ exit 2 · [\d.]+ m?s/);
  t.regex(screen, /\n! (\/\S+\/)?ls: cannot access '.*nope'/);
  t.notRegex(await plain.term.screen(true), /\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)m/);
});

tui('resizing the terminal reflows the layout', async (t) => {
  const c = await connect(t.context.s, { size: [80, 24] });
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.resize(120, 40);
  const screen = await c.term.waitFor(/\n {0,1}deploy@127[^\n]*F1 commands {2}\^D quit\n$/);
  const rows = screen.split('\n');
  t.is(rows.length - 1, 40);
  t.regex(rows[38]!, /^deploy@127\.0\.0\.1\$/);
});

tui('Ctrl-D quits and restores the terminal', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  t.is(await c.term.display('#{alternate_on}'), '1');
  await c.term.keys('C-d');
  const screen = await c.term.waitFor(/\[exited 0\]\n.*echo/);
  t.regex(screen, /\[exited 0\]\nicanon echo/);
  t.is(await c.term.display('#{alternate_on} #{cursor_flag} #{mouse_any_flag}'), '0 1 0');
});

tui('exit quits too', async (t) => {
  const c = await connect(t.context.s);
  t.teardown(() => c.term.close());
  await ready(c);
  await c.term.line('exit');
  await c.term.waitFor(/\[exited 0\]/);
  t.pass();
});

tui('refuses a server whose host key changed, showing its fingerprint, before opening the screen', async (t) => {
  const c = await connect(t.context.s, { hosts: knownHosts(t.context.s, true) });
  t.teardown(() => c.term.close());
  const screen = await c.term.waitFor(/\[exited 255\]/);
  t.regex(screen, /keyhole: HOST KEY FOR \[127\.0\.0\.1\]:\d+ HAS CHANGED: server offers SHA256:\S+/);
});

tui('asks for a password on the terminal without echoing it', async (t) => {
  const c = await connect(t.context.s, { user: 'alice' });
  t.teardown(() => c.term.close());
  await c.term.waitFor(/alice@127\.0\.0\.1's password:/); // tmux drops the trailing space
  await c.term.line(PASSWORD);
  const screen = await ready(c);
  t.false(screen.includes(PASSWORD));
  t.regex(screen, /as alice \(role operator\)/);
});
