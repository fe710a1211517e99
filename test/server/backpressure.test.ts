// Clients that write and never read: lines of `help` to a plain shell (ssh -T), keys to a pty shell. The server holds
// what the SSH window and one answer allow, not the whole flood; once the client reads, everything is answered.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import type { ClientChannel } from 'ssh2';
import { startServeProcess } from '../helpers/cli.ts';
import { connectSsh2 } from '../helpers/clients.ts';
import { withServer, withTestConfig, PASSWORD } from '../helpers/server.ts';

const LINES = 1_000_000;
const BLOCKED_MS = 2_000;
const MiB = 1024 * 1024;
// ssh2's channel window (also what it buffers behind a paused channel) and its packet size.
const WINDOW = 2 * MiB;
const PACKET = 32 * 1024 - 2;
// Keys the pty shell takes before its answers back up, and the chunk it holds: a few packets.
const SLACK = 8 * PACKET;

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

// A server process of its own (its RSS is what is measured) and a plain shell channel on it as alice.
async function floodTarget(t: ExecutionContext): Promise<{ pid: number; channel: ClientChannel }> {
  t.timeout(10 * 60_000);
  const config = await withTestConfig(t);
  const server = await startServeProcess(config.configFile);
  t.teardown(() => server.child.kill('SIGKILL'));
  const client = await connectSsh2(server.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell(false, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  return { pid: server.child.pid!, channel };
}

test('a plain shell flooded with help lines and never read holds its memory, then answers them all', async (t) => {
  const { pid, channel } = await floodTarget(t);
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
// types them without reading must be held by the SSH window, not by the server's memory. What is asserted is what the
// server accepted (each chunk's write callback fires once it went out within the window the server granted), not RSS,
// which moved by tens of MiB with the garbage collector whatever the server held.
test('a pty shell flooded with keys and never read holds its memory, then still answers', async (t) => {
  t.timeout(5 * 60_000);
  const s = await withServer(t);
  const client = await connectSsh2(s.port, 'alice', { password: PASSWORD });
  t.teardown(() => client.end());
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'xterm', cols: 80, rows: 24 }, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  // Warm up first (the editor, completion and the first command answer), then stop reading.
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
  const keys = '\t\t\x0c'.repeat(PACKET / 3);
  const total = 64 * MiB;
  const started = Date.now();
  const first = await typeUntilHeld(channel, keys, total);
  // A second round, still unread: the server takes nothing more.
  const second = await typeUntilHeld(channel, keys, total);
  t.log(
    `the server took ${(first / MiB).toFixed(2)} MiB of keys unread, then ${(second / 1024).toFixed(0)} KiB more ` +
      `(${Date.now() - started} ms)`,
  );
  // Its window and what ssh2 buffers behind a paused channel (a window each), what the shell took before its answers
  // backed up, and no more.
  t.true(first + second <= 2 * WINDOW + SLACK, `the server took ${((first + second) / MiB).toFixed(2)} MiB`);
  t.true(second <= PACKET, `a second unread round still took ${(second / 1024).toFixed(0)} KiB`);

  // Reading again releases the flood: every key is answered, then Ctrl-C and the next line are taken.
  const readStarted = Date.now();
  let read = 0;
  channel.on('data', (data: Buffer) => (read += data.length));
  channel.resume(); // a 'data' listener does not resume a channel paused by hand
  channel.stderr.resume();
  const exit = new Promise<number>((resolve) => channel.once('exit', (code: number) => resolve(code)));
  channel.write('\x03exit 7\r');
  t.is(await exit, 7);
  t.log(`${(read / MiB).toFixed(1)} MiB of answers read in ${Date.now() - readStarted} ms`);
});

// Types `chunk` again and again, each once the last went out within the SSH window, up to `total` bytes; stops once
// one has not gone out for BLOCKED_MS (the window stays closed). The chunk left waiting is not counted. Returns the
// bytes that went out.
async function typeUntilHeld(channel: ClientChannel, chunk: string, total: number): Promise<number> {
  let sent = 0;
  while (sent < total) {
    const out = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), BLOCKED_MS);
      channel.write(chunk, () => (clearTimeout(timer), resolve(true)));
    });
    if (!out) return sent;
    sent += chunk.length;
  }
  return sent;
}
