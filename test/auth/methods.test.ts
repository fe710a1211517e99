import test from 'ava';
import fc from 'fast-check';
import {
  afterSuccess,
  allowedNow,
  AUTH_METHODS,
  chainProblem,
  DEFAULT_CHAINS,
  isComplete,
  nextMethods,
  type AuthChain,
  type AuthMethod,
} from '../../src/auth/methods.ts';

const KEY_THEN_CODE: AuthChain[] = [['publickey', 'keyboard-interactive']];

test('by default a key or a password alone completes the login', (t) => {
  for (const m of ['publickey', 'password'] as const) {
    t.true(allowedNow(DEFAULT_CHAINS, m));
    t.true(isComplete(afterSuccess(DEFAULT_CHAINS, m)));
  }
  t.false(allowedNow(DEFAULT_CHAINS, 'keyboard-interactive'));
});

test('a chain needs its methods in order: the key, then the code', (t) => {
  t.false(allowedNow(KEY_THEN_CODE, 'keyboard-interactive'));
  t.false(allowedNow(KEY_THEN_CODE, 'password'));
  const after = afterSuccess(KEY_THEN_CODE, 'publickey');
  t.false(isComplete(after));
  t.deepEqual(nextMethods(after), ['keyboard-interactive']);
  t.false(allowedNow(after, 'publickey'));
  t.true(isComplete(afterSuccess(after, 'keyboard-interactive')));
});

test('alternatives: each chain advances on its own, and the next methods of all are offered', (t) => {
  const chains: AuthChain[] = [
    ['publickey', 'keyboard-interactive'],
    ['password', 'keyboard-interactive'],
    ['publickey'],
  ];
  t.deepEqual(nextMethods(chains), ['publickey', 'password']);
  t.true(isComplete(afterSuccess(chains, 'publickey')));
  const afterPassword = afterSuccess(chains, 'password');
  t.false(isComplete(afterPassword));
  t.deepEqual(nextMethods(afterPassword), ['publickey', 'keyboard-interactive']);
});

test('a login completes only once every method of some chain succeeded in its order', (t) => {
  const method = fc.constantFrom<AuthMethod>(...AUTH_METHODS);
  fc.assert(
    fc.property(
      fc.array(fc.array(method, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      fc.array(method, { maxLength: 6 }),
      (chains, tries) => {
        let open: AuthChain[] = chains;
        const done: AuthMethod[] = [];
        for (const m of tries) {
          if (isComplete(open)) break;
          if (!allowedNow(open, m)) continue;
          open = afterSuccess(open, m);
          done.push(m);
        }
        // Complete means: some chain is a subsequence of what succeeded, in order.
        const subsequence = (chain: AuthChain) => {
          let i = 0;
          for (const m of done) if (chain[i] === m) i++;
          return i === chain.length;
        };
        if (isComplete(open)) t.true(chains.some(subsequence), JSON.stringify({ chains, done }));
      },
    ),
  );
});

test('chains that cannot be configured', (t) => {
  t.is(chainProblem(['publickey', 'keyboard-interactive']), null);
  t.is(chainProblem(['password', 'keyboard-interactive']), null);
  t.regex(chainProblem(['keyboard-interactive'])!, /starts with keyboard-interactive/);
  t.regex(chainProblem(['keyboard-interactive', 'publickey'])!, /put publickey or password first/);
  t.regex(chainProblem(['publickey', 'publickey'])!, /lists publickey twice/);
  t.regex(chainProblem([])!, /is empty/);
});
