// The embedded default config that `keyhole serve` uses without --config.
import test from 'ava';
import { loadEmbeddedConfig } from '../../src/config/embedded.ts';

test('the embedded default loads and is marked as demo credentials', (t) => {
  const r = loadEmbeddedConfig();
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.true(r.config.demoCredentials);
  t.is(r.config.listen.host, '127.0.0.1');
  t.true(r.config.users.has('demo'));
});
