import test from 'ava';
import { constantTimeEqual } from '../../src/ssh/constant-time.ts';

const equality = test.macro({
  exec(t, a: string, b: string, expected: boolean) {
    t.is(constantTimeEqual(Buffer.from(a), Buffer.from(b)), expected);
  },
  title: (_title, a: string, b: string, expected: boolean) =>
    `constantTimeEqual(${JSON.stringify(a)}, ${JSON.stringify(b)}) is ${expected}`,
});

test(equality, 'secret', 'secret', true);
test(equality, '', '', true);
test(equality, 'secret', 'secreT', false);
test(equality, 'secret', 'secret\0', false);
test(equality, 'secret', 'secre', false);
test(equality, '', 'x', false);
