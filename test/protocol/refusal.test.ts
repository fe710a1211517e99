// The one table of refusals: each protocol error code's shell exit status, as docs/PROTOCOL.md's error codes list it.
import test from 'ava';
import { ERROR_CODES } from '../../src/protocol/frames.ts';
import { refusal, refusalExitCode, refusalOfStatus } from '../../src/protocol/refusal.ts';

const exits = test.macro({
  exec(t, code: string, exitCode: number) {
    t.is(refusalExitCode(code), exitCode);
  },
  title: (_title, code, exitCode) => `a refusal coded ${code} exits ${exitCode}`,
});

test(exits, 'denied', 126);
test(exits, 'unknown_command', 127);
test(exits, 'too_large', 126);
test(exits, 'not_admin', 126);
test(exits, 'no_such_session', 1);
test(exits, 'audit_unavailable', 1);
test(exits, 'a code from a newer server', 1);
test(exits, 'constructor', 1);

test('every error code has an exit status from 1 to 127', (t) => {
  for (const code of ERROR_CODES) t.true(refusalExitCode(code) >= 1 && refusalExitCode(code) <= 127, code);
});

test('a refusal carries its code, its exit status and its reason', (t) => {
  t.deepEqual(refusal('denied', 'no'), { code: 'denied', exitCode: 126, reason: 'no' });
});

test('a status from the policy names its refusal: 127 an unknown command, 126 denied', (t) => {
  t.deepEqual(refusalOfStatus(127, 'who?'), { code: 'unknown_command', exitCode: 127, reason: 'who?' });
  t.deepEqual(refusalOfStatus(126, 'no'), { code: 'denied', exitCode: 126, reason: 'no' });
});
