// The `users:` section: password hashes, roles that exist, and a way to log in.
import test from 'ava';
import { HASH, base, problem } from './helpers.ts';

test(
  'plain-text passwords',
  problem,
  base().replace(HASH, 'hunter2'),
  /k\.yaml:2: users\.alice\.password: must be a hash/,
);
test(
  'an undefined role',
  problem,
  base().replace('role: op', 'role: nope'),
  /users\.alice\.role: role 'nope' is not defined/,
);
test(
  'a user with no way to log in',
  problem,
  base().replace(`password: "${HASH}", `, ''),
  /has neither password nor authorizedKeys/,
);
