// `keyhole serve --listen HOST:PORT` and `--port`: the command line wins over the config's listen:, and the demo
// credentials still never listen beyond loopback.
import test from 'ava';
import { connect } from 'node:net';
import { runKeyhole, startServeProcess } from '../helpers/cli.ts';
import { withTestConfig } from '../helpers/server.ts';

// The first line the server sends on a TCP connection to host:port (its SSH version line).
function banner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => undefined);
    socket.once('data', (data: Buffer) => (socket.destroy(), resolve(data.toString('latin1').split('\r\n')[0]!)));
    socket.once('error', reject);
  });
}

test('--listen puts the server on that address instead of the config one', async (t) => {
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile, ['--listen', '127.0.0.2:0']);
  t.teardown(() => server.child.kill('SIGKILL'));
  t.regex(server.log.text, new RegExp(`listening on 127\\.0\\.0\\.2:${server.port}`));
  t.regex(await banner('127.0.0.2', server.port), /^SSH-2\.0-/);
  await t.throwsAsync(banner('127.0.0.1', server.port), { code: 'ECONNREFUSED' });
});

test('--port changes only the port', async (t) => {
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile, ['--port', '0']);
  t.teardown(() => server.child.kill('SIGKILL'));
  t.regex(await banner('127.0.0.1', server.port), /^SSH-2\.0-/);
});

test('the embedded demo config refuses --listen beyond loopback', async (t) => {
  const r = await runKeyhole(['serve', '--listen', '0.0.0.0:0']);
  t.is(r.code, 1);
  t.regex(r.stderr, /refusing to listen on 0\.0\.0\.0 with the demo credentials/);
});

test('a --listen that is not HOST:PORT is refused in one line that says how to write it', async (t) => {
  const r = await runKeyhole(['serve', '--listen', '127.0.0.1:ssh']);
  t.is(r.code, 1);
  t.regex(r.stderr.trim(), /^keyhole: --listen needs a port from 0 to 65535, got '127\.0\.0\.1:ssh': write HOST:PORT/);
});
