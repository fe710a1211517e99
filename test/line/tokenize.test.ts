import test from 'ava';
import { quoteArg, tokenize } from '../../src/line/tokenize.ts';

const splits = test.macro({
  exec(t, line: string, expected: string[]) {
    t.deepEqual(tokenize(line), { ok: true, argv: expected });
  },
  title: (title, line: string) => title ?? `reads ${JSON.stringify(line)}`,
});

// The reason must be one line and name the construct (`mentions`), so the user knows what to change.
const refuses = test.macro({
  exec(t, line: string, mentions: string) {
    const result = tokenize(line);
    if (result.ok) return t.fail(`accepted as ${JSON.stringify(result.argv)}`);
    t.true(result.reason.includes(mentions), result.reason);
    t.false(/[\r\n]/.test(result.reason));
  },
  title: (title, line: string) => title ?? `refuses ${JSON.stringify(line)}`,
});

test('splits words on spaces', splits, 'ls -l /srv', ['ls', '-l', '/srv']);
test('splits words on runs of spaces and tabs', splits, ' ls \t -l\t\t/srv  ', ['ls', '-l', '/srv']);
test('gives no words for an empty line', splits, '', []);
test('gives no words for a blank line', splits, ' \t ', []);
test('keeps single-quoted text literal', splits, "echo 'a b $x ; | * ~ # \\'", ['echo', 'a b $x ; | * ~ # \\']);
test('keeps spaces in double quotes', splits, 'echo "a b"', ['echo', 'a b']);
test('reads \\" inside double quotes', splits, 'echo "say \\"hi\\""', ['echo', 'say "hi"']);
test('reads \\\\ inside double quotes', splits, 'echo "a\\\\b"', ['echo', 'a\\b']);
test('keeps a backslash before other characters in double quotes', splits, 'echo "a\\nb"', ['echo', 'a\\nb']);
test('keeps single quotes inside double quotes', splits, 'echo "it\'s"', ['echo', "it's"]);
test('glues quoted and unquoted parts into one word', splits, `'a'b"c"`, ['abc']);
test('makes an empty argument from empty single quotes', splits, "echo '' x", ['echo', '', 'x']);
test('makes an empty argument from empty double quotes', splits, 'echo ""', ['echo', '']);
test('adds nothing for empty quotes glued to a word', splits, "a''", ['a']);
test('escapes a space with a backslash', splits, 'cat a\\ b', ['cat', 'a b']);
test('escapes an operator with a backslash', splits, 'echo \\; \\| \\&\\&', ['echo', ';', '|', '&&']);
test('escapes a dollar with a backslash', splits, 'echo \\$HOME', ['echo', '$HOME']);
test('escapes a backslash with a backslash', splits, 'echo \\\\', ['echo', '\\']);
test('escapes a leading tilde and hash', splits, 'echo \\~ \\#', ['echo', '~', '#']);
test('keeps a tilde inside a word', splits, 'echo a~b', ['echo', 'a~b']);
test('keeps a hash inside a word', splits, 'echo a#b', ['echo', 'a#b']);
test('keeps a quoted tilde at the start of a word', splits, "echo '~'/x", ['echo', '~/x']);
test('keeps non-ASCII text', splits, 'echo héllo 日本 🙂', ['echo', 'héllo', '日本', '🙂']);
test('reads FOO=bar as a plain word', splits, 'FOO=bar cmd', ['FOO=bar', 'cmd']);
test('glues a quoted command name into one word', splits, "e'c'ho hi", ['echo', 'hi']);
test('keeps a quoted space inside a command name', splits, "'ec ho' hi", ['ec ho', 'hi']);

test('refuses a semicolon', refuses, 'ls; id', "';'");
test('refuses &&', refuses, 'ls && id', "'&&'");
test('refuses ||', refuses, 'ls || id', "'||'");
test('refuses a pipe', refuses, 'ls | sh', "'|'");
test('refuses a background &', refuses, 'sleep 9 &', "'&'");
test('refuses output redirection', refuses, 'echo x > /etc/passwd', "'>'");
test('refuses appending redirection', refuses, 'echo x >>f', "'>>'");
test('refuses input redirection', refuses, 'cat </etc/shadow', "'<'");
test('refuses a subshell', refuses, '(id)', "'('");
test('refuses a closing parenthesis', refuses, 'echo a)', "')'");
test('refuses an operator glued to a word', refuses, 'echo a;id', "';'");
test('refuses a variable', refuses, 'echo $HOME', "'$'");
test('refuses $(...)', refuses, 'echo $(id)', "'$'");
test('refuses $(...) in double quotes', refuses, 'echo "$(id)"', "'$'");
test('refuses ${...} in double quotes', refuses, 'echo "${HOME}"', "'$'");
test('refuses an escaped dollar in double quotes, which sh would read differently', refuses, 'echo "\\$x"', "'$'");
test('refuses backticks', refuses, 'echo `id`', "'`'");
test('refuses backticks in double quotes', refuses, 'echo "`id`"', "'`'");
test('refuses a star', refuses, 'ls *.log', "'*'");
test('refuses a question mark', refuses, 'ls a?', "'?'");
test('refuses a bracket', refuses, 'ls [ab]', "'['");
test('refuses a tilde at the start of a word', refuses, 'ls ~', "'~'");
test('refuses a home path', refuses, 'ls ~root/x', "'~'");
test('refuses a comment', refuses, 'ls #x', "'#'");
test('refuses a newline', refuses, 'ls\nid', 'newline');
test('refuses a quoted newline', refuses, "echo 'a\nb'", 'newline');
test('refuses a carriage return', refuses, 'ls\r', 'carriage return');
test('refuses a NUL, even single-quoted', refuses, "cat '/srv/a\0/etc/passwd'", 'NUL');
test('refuses an escape character', refuses, 'echo \x1b[31m', 'ESC');
test('refuses DEL', refuses, 'echo a\x7f', 'DEL');
test('refuses a C1 control character', refuses, 'echo a\u0085', 'U+0085');
test('refuses a tab inside single quotes', refuses, "echo 'a\tb'", 'TAB');
test('refuses a tab inside double quotes', refuses, 'echo "a\tb"', 'TAB');
test('refuses an escaped tab', refuses, 'echo a\\\tb', 'TAB');
test('refuses an unterminated single quote', refuses, "echo 'abc", 'unterminated single quote');
test('refuses an unterminated double quote', refuses, 'echo "abc', 'unterminated double quote');
test('refuses a double quote left open by \\"', refuses, 'echo "abc\\"', 'unterminated double quote');
test('refuses a trailing backslash', refuses, 'echo abc\\', "trailing '\\'");

test('explains a semicolon in one line with what to do instead', (t) => {
  t.deepEqual(tokenize('ls;id'), {
    ok: false,
    reason: "';' is not allowed: Keyhole runs one command per line, without a shell",
  });
});

test('refuses a line longer than maxLineBytes, counted in UTF-8 bytes', (t) => {
  t.true(tokenize('é'.repeat(5), { maxLineBytes: 10 }).ok);
  const result = tokenize('é'.repeat(6), { maxLineBytes: 10 });
  t.deepEqual(result, { ok: false, reason: 'the line is 12 bytes, more than the limit of 10: shorten it' });
});

test('refuses a line over the default limit of 8192 bytes', (t) => {
  t.true(tokenize('a'.repeat(8192)).ok);
  t.false(tokenize('a'.repeat(8193)).ok);
});

test('refuses more words than maxArgs', (t) => {
  t.deepEqual(tokenize('a b c', { maxArgs: 3 }), { ok: true, argv: ['a', 'b', 'c'] });
  const result = tokenize('a b c d', { maxArgs: 3 });
  t.false(result.ok);
  t.regex(result.ok ? '' : result.reason, /more than 3 words/);
});

test('refuses more than 256 words by default', (t) => {
  t.true(tokenize('a '.repeat(256)).ok);
  t.false(tokenize('a '.repeat(257)).ok);
});

const quotes = test.macro({
  exec(t, arg: string, expected: string) {
    t.is(quoteArg(arg), expected);
    t.deepEqual(tokenize(expected), { ok: true, argv: [arg] });
  },
  title: (title, arg: string) => title ?? `quotes ${JSON.stringify(arg)} so it reads back`,
});

test('leaves a plain word bare', quotes, '/srv/a-b_c.txt', '/srv/a-b_c.txt');
test('leaves an option bare', quotes, '--color=never', '--color=never');
test('quotes an empty argument', quotes, '', "''");
test('quotes a space', quotes, 'a b', "'a b'");
test('quotes a single quote', quotes, "it's", "'it'\\''s'");
test('quotes operators and a dollar', quotes, '$(id);|&', "'$(id);|&'");
test('quotes a leading tilde', quotes, '~root', "'~root'");
test('quotes a leading hash', quotes, '#x', "'#x'");
test('quotes a backslash', quotes, 'a\\b', "'a\\b'");
test('quotes a double quote', quotes, 'a"b', `'a"b'`);
