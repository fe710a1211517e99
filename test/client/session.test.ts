// ProtocolSession against a scripted channel: what it writes is the codec's encoding, refusals become RemoteError, and
// a server frame the codec refuses fails what is waiting with a clear ConnectionError instead of crashing the client.
import test from 'ava';
import { EventEmitter } from 'node:events';
import { ConnectionError, RemoteError } from '../../src/client/errors.ts';
import { ProtocolSession, type SubsystemConnection } from '../../src/client/session.ts';

const HELLO = {
  type: 'hello',
  server: 'keyhole/test',
  protocol: 1,
  versions: [1],
  user: 'deploy',
  role: 'operator',
  admin: false,
  session: 's1',
  limits: {
    maxFrameBytes: 1048576,
    maxRuns: 8,
    commandTimeoutMs: 0,
    maxOutputBytes: 0,
    maxLineBytes: 8192,
    idleTimeoutMs: 0,
  },
};

/** A channel whose server side the test plays: `say` sends lines to the client, `written` is what it sent. */
class ScriptedChannel extends EventEmitter {
  readonly written: string[] = [];
  readonly stderr = { resume: () => undefined };
  closed = false;
  write(text: string): boolean {
    this.written.push(...text.split('\n').filter(Boolean));
    return true;
  }
  say(...frames: (object | string)[]): void {
    this.emit('data', Buffer.from(frames.map((f) => `${typeof f === 'string' ? f : JSON.stringify(f)}\n`).join('')));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  end(): void {}
}

function connection(channel: ScriptedChannel): SubsystemConnection {
  return { subsys: (_name, callback) => callback(undefined, channel), end: () => undefined };
}

async function opened(): Promise<{ session: ProtocolSession; channel: ScriptedChannel }> {
  const channel = new ScriptedChannel();
  const opening = ProtocolSession.open(connection(channel), 'test');
  channel.say(HELLO);
  return { session: await opening, channel };
}

test('sends its hello and its runs as the codec encodes them', async (t) => {
  const { session, channel } = await opened();
  void session.stream(['cat-in'], { stdin: 'hi\n', timeoutMs: 500 }).done.catch(() => undefined);
  t.deepEqual(
    channel.written.map((line) => JSON.parse(line) as unknown),
    [
      { type: 'hello', client: 'test', versions: [1] },
      { type: 'run', id: 'r1', argv: ['cat-in'], stdin: 'aGkK', timeoutMs: 500 },
    ],
  );
});

test('a refusal rejects with RemoteError and the exit status of its code', async (t) => {
  const { session, channel } = await opened();
  const run = session.run(['vi']);
  channel.say({ type: 'error', id: 'r1', code: 'unknown_command', message: "unknown command 'vi'" });
  const error = await t.throwsAsync(run, { instanceOf: RemoteError });
  t.like(error, {
    code: 'unknown_command',
    exitCode: 127,
    reason: "unknown command 'vi'",
    message: "unknown command 'vi'",
  });
});

test('a malformed exit frame fails the run with a protocol error that says what is wrong', async (t) => {
  const { session, channel } = await opened();
  const run = session.run(['true']);
  channel.say({ type: 'exit', id: 'r1', code: '0', signal: null, durationMs: 1 });
  const error = await t.throwsAsync(run, { instanceOf: ConnectionError });
  t.is(error?.code, 'protocol');
  t.is(error?.message, 'the server sent an invalid frame: exit frame: "code" must be an integer, got "0"');
  t.true(channel.closed, 'the channel is closed: the rest of what the server sends cannot be trusted');
  await t.throwsAsync(session.list(), { is: error }, 'later requests fail at once, with the same error');
});

test('a line that is not JSON fails what is waiting, and frames after it are not read', async (t) => {
  const { session, channel } = await opened();
  const list = session.list();
  channel.say('{"type":"list"', { type: 'list', id: 'q1', commands: [], frames: [] });
  await t.throwsAsync(list, {
    instanceOf: ConnectionError,
    message: /^the server sent an invalid frame: not valid JSON/,
  });
});

test('an invalid hello makes open reject with a protocol error', async (t) => {
  const channel = new ScriptedChannel();
  const opening = ProtocolSession.open(connection(channel));
  channel.say({ ...HELLO, limits: null });
  await t.throwsAsync(opening, {
    instanceOf: ConnectionError,
    message: 'the server sent an invalid frame: hello frame: "limits" must be an object, got null',
  });
  t.true(channel.closed);
});
