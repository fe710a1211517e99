import test from 'ava';
import { parseLine, type Action, type LineContext } from '../../../src/client/ui/actions.ts';

const user: LineContext = { admin: false, commands: ['echo', 'ls', 'whoami'] };
const admin: LineContext = { admin: true, commands: ['echo'] };

const reads = test.macro({
  exec(t, line: string, expected: Action, ctx?: LineContext) {
    t.deepEqual(parseLine(line, ctx ?? user), expected);
  },
  title: (title, line: string) => title ?? `reads '${line}'`,
});

test(reads, '', { type: 'none' });
test(reads, '   ', { type: 'none' });
test(reads, 'echo "a b" c', { type: 'run', argv: ['echo', 'a b', 'c'] });
test(reads, 'vi /etc/passwd', { type: 'run', argv: ['vi', '/etc/passwd'] });
test(reads, 'exit', { type: 'quit' });
test(reads, 'logout', { type: 'quit' });
test(reads, ':q', { type: 'quit' });
test('sends a quoted colon word to the server: colon commands are only what a line starts with', reads, "':quit'", {
  type: 'run',
  argv: [':quit'],
});
test(reads, 'help', { type: 'help' });
test(reads, ':commands', { type: 'commands' });
test(reads, 'clear', { type: 'clear' });
test(reads, ':reconnect', { type: 'reconnect' });
test(reads, ':sessions', { type: 'sessions' });
test(reads, 'sessions', { type: 'sessions' }, admin);
test(reads, 'show_clients', { type: 'sessions' }, admin);
test(reads, 'kill s3', { type: 'kill', session: 's3' }, admin);
test(reads, 'shutdown', { type: 'shutdown' }, admin);
test('runs a command the server lists even when the client knows the name', reads, 'whoami', {
  type: 'run',
  argv: ['whoami'],
});
test('answers whoami itself when the server has no such command', reads, 'whoami', { type: 'whoami' }, admin);

test('refuses locally what the server tokenizer refuses, with its reason', (t) => {
  t.deepEqual(parseLine('ls | sh', user), {
    type: 'refuse',
    reason: "'|' is not allowed: pipes are not supported; Keyhole runs one command per line, without a shell",
  });
});

const usage = test.macro({
  exec(t, line: string, mentions: string, ctx?: LineContext) {
    const action = parseLine(line, ctx ?? user);
    if (action.type !== 'usage') return t.fail(`read as ${action.type}`);
    t.true(action.message.includes(mentions), action.message);
  },
  title: (_title, line: string, mentions: string, _ctx?: LineContext) => `explains '${line}' (${mentions})`,
});
test(usage, 'sessions', 'needs admin rights');
test(usage, 'kill s3', 'needs admin rights');
test(usage, 'shutdown', 'needs admin rights');
test(usage, 'kill', 'usage: kill SESSION', admin);
test(usage, 'exit now', 'takes no arguments');
test(reads, 'admin', { type: 'admin' });
test(usage, 'admin now', 'takes no arguments');
test(usage, 'sessions', 'type admin to get them', { admin: false, mayElevate: true, commands: [] });
test(usage, ':frobnicate', "unknown client command ':frobnicate'");
