// A client that writes lines of `help` to a plain shell (ssh -T) and never reads: the server holds what the SSH
// window and one line's output allow, not the whole flood; once the client reads, every line is answered.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import { startServeProcess } from '../helpers/cli.ts';
import { connectSsh2 } from '../helpers/clients.ts';
import { withTestConfig, PASSWORD } from '../helpers/server.ts';

const LINES = 1_000_000;
const BLOCKED_MS = 2_000;
const MiB = 1024 * 1024;

// The server's resident memory, from the kernel.
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return Number(kb) * 1024;
}

// Writes `help` lines from `from` up to `total`; with `blockedMs`, stops once the channel has taken nothing for that
// long. Returns how many lines are written in all.
async function writeLines(
  channel: ClientChannel,
  from: number,
  blockedMs = Infinity,
  { total = LINES, line = 'help\n' } = {},
): Promise<number> {
  let written = from;
  while (written < total) {
    const n = Math.min(4096, total - written);
    written += n;
    if (channel.write(line.repeat(n))) continue;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = Number.isFinite(blockedMs) ? setTimeout(() => resolve(false), blockedMs) : undefined;
      channel.once('drain', () => (clearTimeout(timer), resolve(true)));
    });
    if (!drained) break;
  }
  return written;
}

// Reads the channel's stdout until `lines` answers to `help` have arrived (each starts with this line).
function readAnswers(channel: ClientChannel, lines: number): Promise<void> {
  const marker = 'Commands you may run:';
  let seen = 0;
  let tail = '';
  return new Promise((resolve) => {
    channel.on('data', (data: Buffer) => {
      const text = tail + data.toString('latin1');
      for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) seen++;
      tail = text.slice(-marker.length + 1);
      if (seen >= lines) resolve();
    });
    channel.stderr.resume();
  });
}

// A server process of its own (its RSS is what is measured) and a shell channel on it as alice: plain or on a pty.
async function floodTarget(
  t: ExecutionContext,
  pty: false | PseudoTtyOptions,
): Promise<{ pid: number; channel: ClientChannel }> {
  t.timeout(10 * 60_000);
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile);
  t.teardown(() => server.child.kill('SIGKILL'));
  const client = await connectSsh2(server.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell(pty, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  return { pid: server.child.pid!, channel };
}

test('a plain shell flooded with help lines and never read holds its memory, then answers them all', async (t) => {
  const { pid, channel } = await floodTarget(t, false);
  const before = rssOf(pid);
  const started = Date.now();
  const written = await writeLines(channel, 0, BLOCKED_MS);
  const after = rssOf(pid);
  const growth = after - before;
  t.log(`wrote ${written} lines (${((written * 5) / MiB).toFixed(1)} MiB) in ${Date.now() - started} ms unread`);
  t.log(`server RSS ${(before / MiB).toFixed(1)} MiB before, ${(after / MiB).toFixed(1)} MiB after`);
  t.log(`growth ${(growth / MiB).toFixed(1)} MiB`);
  t.true(growth < 64 * MiB, `the server's RSS grew by ${(growth / MiB).toFixed(1)} MiB`);

  // Now read: every line is answered, the rest of the flood goes through, and the session is still there.
  const readStarted = Date.now();
  const answered = readAnswers(channel, LINES);
  await writeLines(channel, written);
  await answered;
  t.log(`${LINES} lines answered, read in ${Date.now() - readStarted} ms`);
  const exit = new Promise<number>((resolve) => channel.once('exit', (code: number) => resolve(code)));
  channel.end('exit 7\n');
  t.is(await exit, 7);
  t.log(`server RSS at the end ${(rssOf(pid) / MiB).toFixed(1)} MiB`);
});

// The pty shell answers keys with more than they are: a second Tab lists every command, Ctrl-L redraws. A client that
// types them without reading must be held by the SSH window, not by the server's memory.
test('a pty shell flooded with keys and never read holds its memory, then still answers', async (t) => {
  const { pid, channel } = await floodTarget(t, { term: 'xterm', cols: 80, rows: 24 });
  // Warm up first (the editor, completion and the first command load on first use), then stop reading.
  await new Promise<void>((resolve) => {
    let seen = '';
    const onData = (data: Buffer) => {
      seen += data.toString('latin1');
      if (!/Commands you may run:[\s\S]*\x1b\[2J[\s\S]*\$ /.test(seen)) return;
      channel.removeListener('data', onData);
      channel.pause();
      resolve();
    };
    channel.on('data', onData);
    channel.write('help\r\t\t\x0c');
  });
  const before = rssOf(pid);
  const total = 64 * MiB;
  const written = await writeLines(channel, 0, BLOCKED_MS, { total, line: '\t\t\x0c' });
  const held = rssOf(pid);
  // A second round, still unread: the server takes no more, so it grows no more.
  const more = await writeLines(channel, written, BLOCKED_MS, { total, line: '\t\t\x0c' });
  const after = rssOf(pid);
  const [first, second] = [(held - before) / MiB, (after - held) / MiB];
  t.log(
    `typed ${((more * 3) / MiB).toFixed(1)} MiB of keys unread; server RSS +${first.toFixed(1)} MiB, then +${second.toFixed(1)} MiB`,
  );
  t.true(written < total, 'the SSH window held the client back');
  t.true(second < 8, `a second unread round grew the server's RSS by ${second.toFixed(1)} MiB`);
  t.true(first + second < 128, `the server's RSS grew by ${(first + second).toFixed(1)} MiB`);

  // Reading again releases the flood; Ctrl-C drops the overlong line and the shell takes the next one.
  channel.resume();
  channel.stderr.resume();
  const exit = new Promise<number>((resolve) => channel.once('exit', (code: number) => resolve(code)));
  channel.write('\x03exit 7\r');
  t.is(await exit, 7);
});
