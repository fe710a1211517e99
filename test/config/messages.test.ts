// Config errors that guide (issue 11, item 14): unknown keys at their own line with "did you mean", messages in
// Keyhole's words rather than the validator's, sorted by line and each printed once.
import test from 'ava';
import { base, load, problem } from './helpers.ts';

// Words of the validator that must never reach a person.
const JARGON = /Invalid input|Unrecognized key|received|Too (big|small)|Invalid option|Invalid key|[<>]=|record\b/;

const errorsOf = (yaml: string): string[] => {
  const r = load(yaml);
  return r.ok ? [] : r.errors;
};

test(
  'an unknown top-level key at its own line, with did you mean',
  problem,
  base() + 'limit: { commandTimeout: 5s }\n',
  /^k\.yaml:7: limit: unknown field 'limit': did you mean 'limits'\?$/,
);
test(
  'an unknown nested key at its own line, with did you mean',
  problem,
  base() + 'limits:\n  maxAuthTries: 3\n  comandTimeout: 5s\n',
  /^k\.yaml:9: limits\.comandTimeout: unknown field 'comandTimeout': did you mean 'commandTimeout'\?$/,
);
test(
  'an unknown key in a command, at its line',
  problem,
  base('  echo:\n    program: /bin/echo\n    args: any\n    flgs: [-n]'),
  /^k\.yaml:9: commands\.echo\.flgs: unknown field 'flgs': did you mean 'flags'\?$/,
);
test(
  'an unknown key in penalties (a union), with did you mean',
  problem,
  base() + 'penalties: { authFial: 5s }\n',
  /^k\.yaml:7: penalties\.authFial: unknown field 'authFial': did you mean 'authFail'\?$/,
);
test(
  'an unknown key far from every allowed one, listing them',
  problem,
  base() + 'audit: { zzzzzz: 1 }\n',
  /audit\.zzzzzz: unknown field 'zzzzzz' \(allowed here: file\)$/,
);
test(
  'a missing section in plain words',
  problem,
  'users: {}\ncommands: {}\n',
  /^k\.yaml(:\d+)?: roles: missing: roles must be a mapping of role name to its commands$/,
);
test(
  'a typo in an enum value',
  problem,
  base() + 'confinement: auot\n',
  /confinement: must be one of required, auto, off, got 'auot': did you mean 'auto'\?/,
);
test(
  'a number too small',
  problem,
  base() + 'limits: { maxAuthTries: 0 }\n',
  /limits\.maxAuthTries: must be at least 1, got 0$/,
);
test(
  'a duration of the wrong type',
  problem,
  base() + 'limits: { idleTimeout: [1] }\n',
  /limits\.idleTimeout: must be a duration such as 30s, 5m or 500ms/,
);
test(
  'a role of the wrong shape',
  problem,
  base(undefined, '  op: { commands: echo }'),
  /roles\.op\.commands: must be a list, such as \[a, b\], not text 'echo'$/,
);

test("no message uses the validator's words", (t) => {
  const yaml = [
    'users:',
    '  "bad name": { password: x, role: op }',
    '  bob: { password: 5, role: "bad role", authorizedKeys: 5 }',
    '  carl: [1]',
    'roles:',
    '  op: { commands: echo, admin: yes }',
    'commands:',
    '  echo: { program: "", args: some, maxArgs: 2.5, timeout: true, limits: { openFiles: 2 } }',
    'env: { "1X": a, Y: 5 }',
    'listen: { port: 70000, host: 1 }',
    'runAs: { user: x, group: [] }',
    'penalties: 3',
    'confinement: sometimes',
    'foo: 1',
  ].join('\n');
  const errors = errorsOf(yaml);
  t.true(errors.length >= 15, errors.join('\n'));
  t.deepEqual(
    errors.filter((e) => JARGON.test(e)),
    [],
  );
});

test('errors are sorted by line and each is printed once', (t) => {
  const errors = errorsOf(base() + 'zeta: 1\nlimits: { maxAuthTries: 0 }\nalpha: 2\n');
  const lines = errors.map((e) => Number(/^k\.yaml:(\d+):/.exec(e)?.[1]));
  t.deepEqual(lines, [7, 8, 9], errors.join('\n'));
  t.is(new Set(errors).size, errors.length);
});

test(
  'a command a role names is suggested when misspelt',
  problem,
  base(undefined, '  op: { commands: [ecoh] }'),
  /command 'ecoh' is not defined under commands: did you mean 'echo'\?/,
);
