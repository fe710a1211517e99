// The EXT_INFO message (RFC 8308) that the server sends after the first key exchange: its `server-sig-algs` tells a
// client which signature algorithms a user key may sign with (RSA keys pick rsa-sha2-512/256 from it).
import { opensshExec } from '../helpers/clients.ts';
import { serverPerFile } from '../helpers/server.ts';

const test = serverPerFile();

test('server-sig-algs lists each algorithm on its own (ssh2 joined nistp521 and rsa-sha2-512 into one name)', async (t) => {
  const { s } = t.context;
  const r = await opensshExec(s.port, 'deploy', { privateKey: s.keys.deploy }, s.dir, 'whoami', ['-v']);
  t.is(r.code, 0, r.stderr);
  const listed = /kex_input_ext_info: server-sig-algs=<([^>]*)>/.exec(r.stderr)?.[1];
  if (listed === undefined) return t.fail(`OpenSSH logged no server-sig-algs:\n${r.stderr}`);
  const algorithms = listed.split(',');
  for (const name of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']) {
    t.true(algorithms.includes(name), `${name} in ${listed}`);
  }
  t.true(algorithms.includes('rsa-sha2-512'), `rsa-sha2-512 in ${listed}`);
  t.true(algorithms.includes('rsa-sha2-256'), `rsa-sha2-256 in ${listed}`);
  t.deepEqual(
    algorithms.filter((a) => !/^[a-z0-9-]+(@[a-z0-9.-]+)?$/.test(a) || /nistp\d+rsa/.test(a)),
    [],
    'no name that is two run together',
  );
});
