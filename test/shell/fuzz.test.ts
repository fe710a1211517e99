// Property tests for the tokenizer and the policy: bounded runs (FC_NUM_RUNS, default 300), so they stay fast in CI.
import test from 'ava';
import fc from 'fast-check';
import type { CommandSpec, RoleSpec } from '../../src/config/types.ts';
import { decide, type PathResolver } from '../../src/shell/policy.ts';
import { findControlChar, quoteArg, tokenize } from '../../src/line/tokenize.ts';
import { commandSpec, fakeResolver } from './fake-resolver.ts';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);

// Characters that mean something to sh or to us, mixed with plain ones so lines are neither all junk nor all words.
const SHELLISH = [' ', '\t', "'", '"', '\\', ';', '&', '|', '>', '<', '(', ')', '$', '`', '*', '?', '[', ']', '~', '#'];
const PLAIN = ['a', 'b', '-', '/', '.', '=', 'é', '🙂', '\n', '\r', '\0', '\x7f', '\x85'];
const shellLine = fc.string({ unit: fc.constantFrom(...SHELLISH, ...PLAIN), maxLength: 40 });
const anyLine = fc.oneof(
  shellLine,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
);
const printable = fc.string({ unit: 'binary', maxLength: 12 }).filter((text) => findControlChar(text) === -1);
const words = fc.array(printable, { maxLength: 8 });

test('tokenize never throws, and every word it returns is free of control characters', (t) => {
  fc.assert(
    fc.property(anyLine, fc.integer({ min: 1, max: 6 }), (line, maxArgs) => {
      const result = tokenize(line, { maxArgs });
      if (!result.ok) return result.reason.length > 0 && !/[\r\n]/.test(result.reason);
      return result.argv.length <= maxArgs && result.argv.every((word) => findControlChar(word) === -1);
    }),
    { numRuns },
  );
  t.pass();
});

test('tokenize refuses any line with an unquoted operator, whatever surrounds it', (t) => {
  const operator = fc.constantFrom(';', '&', '&&', '|', '||', '>', '>>', '<', '(', ')', '$', '$(', '`', '*', '?', '[');
  const gap = fc.constantFrom('', ' ', '\t');
  fc.assert(
    fc.property(words, operator, words, gap, gap, (left, op, right, before, after) => {
      const line = `${left.map(quoteArg).join(' ')}${before}${op}${after}${right.map(quoteArg).join(' ')}`;
      return !tokenize(line).ok;
    }),
    { numRuns },
  );
  t.pass();
});

test('tokenize refuses $ and backticks inside double quotes, where sh would expand them', (t) => {
  const text = printable.map((s) => s.replace(/["\\$`]/g, ''));
  fc.assert(
    fc.property(text, fc.constantFrom('$', '$(', '${', '`'), text, (before, op, after) => {
      return !tokenize(`echo "${before}${op}${after}"`).ok;
    }),
    { numRuns },
  );
  t.pass();
});

test('quoteArg renders any printable arguments so that tokenize reads them back exactly', (t) => {
  fc.assert(
    fc.property(words, (args) => {
      const result = tokenize(args.map(quoteArg).join(' '));
      return result.ok && JSON.stringify(result.argv) === JSON.stringify(args);
    }),
    { numRuns },
  );
  t.pass();
});

const command = (name: string, rule: Partial<CommandSpec> = {}) => commandSpec(name, { maxArgs: 6, ...rule });

const ROOTS = ['/srv', '/home/shared'];
const FLAGS = ['-l', '-a', '--color=never', '--all'];
const ls = command('ls', { args: 'rules', fixedArgs: ['-1'], flags: FLAGS, paths: ROOTS });
const specs = [
  ls,
  command('date', { args: 'none' }),
  command('echo'),
  command('svc', { args: 'rules', flags: ['-q'], patterns: [/status|restart/] }),
  command('df', { args: 'rules', fixedArgs: ['-h'] }),
];
const commands = new Map(specs.map((spec) => [spec.name, spec]));
const fs = fakeResolver({ '/srv/sub/etc': '/etc', '/srv/up': '..', '/srv/inner': 'sub', '/srv/loop': '/srv/loop' });
const resolvers: PathResolver[] = [
  fs,
  { resolve: () => null },
  { resolve: () => '/srv/../etc' },
  {
    resolve() {
      throw new Error('EIO');
    },
  },
];

const segment = fc.constantFrom(
  'srv',
  'srvx',
  'etc',
  'sub',
  'up',
  'inner',
  'loop',
  'home',
  'shared',
  'x',
  '..',
  '.',
  '',
);
const path = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 5 }))
  .map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`);
const letter = fc.constantFrom('l', 'a', 'R', 'x', '-');
const option = fc.oneof(
  fc.constantFrom(...FLAGS, '--', '-', '--color=always', '--al', '-lfoo'),
  fc.array(letter, { minLength: 1, maxLength: 4 }).map((letters) => `-${letters.join('')}`),
);
const argument = fc.oneof(path, option, printable, fc.constantFrom('status', 'restart', 'statusx', ''));
const name = fc.oneof(fc.constantFrom(...commands.keys(), 'sh', '/bin/sh', 'FOO=bar', 'ls '), printable);

test('decide never throws, and never allows a command outside the role', (t) => {
  const role = fc
    .subarray([...commands.keys(), 'sh', 'ghost'])
    .map((names): RoleSpec => ({ name: 'r', commands: names, admin: false }));
  const resolver = fc.constantFrom(...resolvers);
  fc.assert(
    fc.property(role, name, fc.array(argument, { maxLength: 8 }), resolver, (role, first, rest, resolver) => {
      const decision = decide({ user: 'u', role }, [first, ...rest], commands, resolver, '/srv');
      if (!decision.allow) return decision.reason.length > 0 && (decision.code === 126 || decision.code === 127);
      const spec = commands.get(first);
      return (
        role.commands.includes(first) &&
        spec !== undefined &&
        decision.command === spec &&
        decision.program === spec.program &&
        spec.fixedArgs.every((arg, i) => decision.argv[i] === arg)
      );
    }),
    { numRuns },
  );
  t.pass();
});

const role: RoleSpec = { name: 'r', commands: ['ls'], admin: false };
const inside = (resolved: string) => ROOTS.some((root) => resolved === root || resolved.startsWith(`${root}/`));
const isFlag = (arg: string) =>
  FLAGS.includes(arg) || (!arg.startsWith('--') && [...arg.slice(1)].every((c) => FLAGS.includes(`-${c}`)));

// Walks what decide produced beside what the user gave: options must be listed, operands canonical and under a root.
function obeysRules(given: readonly string[], produced: readonly string[]): boolean {
  if (produced.length !== given.length) return false;
  let optionsEnded = false;
  return given.every((arg, i) => {
    const out = produced[i]!;
    if (!optionsEnded && arg === '--') {
      optionsEnded = true;
      return out === '--';
    }
    if (!optionsEnded && arg.startsWith('-') && arg !== '-') return out === arg && isFlag(arg);
    return inside(out) && out === fs.resolve(arg, '/srv');
  });
}

test('decide allows, for a rules command, only listed options and operands under a root', (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(path, option), { maxLength: 6 }), (args) => {
      const decision = decide({ user: 'u', role }, ['ls', ...args], commands, fs, '/srv');
      return !decision.allow || (decision.argv[0] === '-1' && obeysRules(args, decision.argv.slice(1)));
    }),
    { numRuns },
  );
  t.pass();
});

test('decide allows every argv made only of listed options and paths that stay under a root', (t) => {
  const good = fc.oneof(
    fc.constantFrom(...FLAGS, '-la', '-al', '-lll'),
    fc
      .array(fc.constantFrom('a', 'b', '.', 'inner', 'sub'), { maxLength: 4 })
      .map((parts) => ['/srv', ...parts].join('/')),
  );
  fc.assert(
    fc.property(
      fc.array(good, { maxLength: 6 }),
      (args) => decide({ user: 'u', role }, ['ls', ...args], commands, fs, '/srv').allow,
    ),
    { numRuns },
  );
  t.pass();
});
