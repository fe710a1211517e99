// One SSH session channel: pty, window-change, env, signal, then exactly one shell or exec. Forwarding of agents and
// X11, sftp and other subsystems are refused and audited. The shell itself lives in src/shell/.
import type { ServerChannel, Session } from 'ssh2';
import type { Via } from '../audit/events.ts';
import type { Config } from '../config/types.ts';
import { evaluate } from '../shell/evaluate.ts';
import { envAccepted } from '../shell/env.ts';
import { PROTOCOL_NAME } from '../protocol/frames.ts';
import { serveProtocol } from '../protocol/serve.ts';
import { VERSION } from '../version.ts';
import { startInteractiveShell } from '../shell/interactive.ts';
import { runPlainShell } from '../shell/plain.ts';
import type { ShellIO, ShellContext } from '../shell/context.ts';
import { flushed, ttyOutput } from '../shell/tty-output.ts';

type AcceptSession = () => Session;

export interface ChannelHost {
  config(): Config;
  /** Builds the shell's view of this session for one door (shell or exec). */
  shellContext(via: Via, clientEnv: Record<string, string>, signal: AbortSignal): ShellContext;
  /** Records and logs a refused request. */
  refused(request: string, detail?: string): void;
  /** False when the key used to log in carries `no-pty` or `restrict`. */
  readonly ptyAllowed: boolean;
  /** The connection's lifetime: aborted when it closes. */
  readonly signal: AbortSignal;
  /** Input arrived: the session is not idle. */
  touch(): void;
  /** Lets the registry reach this channel's user (shutdown notices); returns a function that removes it. */
  addNotifier(notify: (message: string) => void): () => void;
}

const MAX_ENV_VARS = 32;

/** Accepts a session channel and serves its requests until it closes. */
export function serveSessionChannel(accept: AcceptSession, host: ChannelHost): void {
  const session = accept();
  const lifetime = new AbortController();
  const signal = AbortSignal.any([host.signal, lifetime.signal]);
  const env: Record<string, string> = {};
  let pty: { cols: number } | null = null;
  let started = false;
  let resize: ((cols: number) => void) | null = null;
  let interrupt: AbortController | null = null;

  session.on('pty', (ok, no, info) => {
    if (!host.ptyAllowed) return (host.refused('pty', 'no-pty key option'), no?.());
    pty = { cols: info.cols || 80 };
    ok?.();
  });
  session.on('window-change', (ok, _no, info) => {
    if (pty) pty.cols = info.cols || pty.cols;
    resize?.(info.cols);
    ok?.();
  });
  session.on('env', (ok, no, info) => {
    if (envAccepted(host.config().acceptEnv, info.key, info.val) && Object.keys(env).length < MAX_ENV_VARS) {
      env[info.key] = info.val;
      return ok?.();
    }
    host.refused('env', info.key);
    no?.();
  });
  session.on('signal', (ok, _no, info) => {
    // A client's INT/TERM/KILL/HUP stops the running command, as Ctrl-C would.
    if (['INT', 'TERM', 'KILL', 'HUP'].includes(info.name)) interrupt?.abort();
    ok?.();
  });
  session.on('subsystem', (ok, no, info) => {
    if (info.name !== PROTOCOL_NAME || started) return (host.refused('subsystem', info.name), no?.());
    started = true;
    const channel = ok();
    watch(channel, lifetime, host);
    withNotifier(host, channel);
    const shell = host.shellContext('protocol', env, signal);
    const maxRuns = host.config().limits.maxRunsPerSession;
    void serveProtocol(shell, channel, { serverVersion: `keyhole/${VERSION}`, maxRuns }).then((code) =>
      finish(channel, code),
    );
  });
  for (const request of ['x11', 'auth-agent', 'sftp'] as const) {
    session.on(request as 'x11', (_ok: unknown, no: (() => void) | undefined, info?: { name?: string }) => {
      host.refused(request, info?.name);
      no?.();
    });
  }
  session.on('shell', (ok, no) => {
    if (started) return no?.();
    started = true;
    const channel = ok();
    watch(channel, lifetime, host);
    const shell = host.shellContext('shell', env, signal);
    if (pty) {
      const term = startInteractiveShell(shell, { channel, columns: pty.cols });
      resize = term.resize;
      void term.done.then((code) => finish(channel, code));
    } else {
      void runPlainShell(shell, channel, plainIO(channel)).then((code) => finish(channel, code));
    }
    withNotifier(host, channel);
  });
  session.on('exec', (ok, no, info) => {
    if (started) return no?.();
    started = true;
    const channel = ok();
    watch(channel, lifetime, host);
    interrupt = new AbortController();
    const io = pty ? ptyIO(channel) : plainIO(channel);
    if (pty) channel.on('data', (d: Buffer) => d.includes(0x03) && interrupt?.abort());
    else channel.resume(); // input nobody reads must still be consumed, or the channel never closes
    withNotifier(host, channel);
    void evaluate(info.command, host.shellContext('exec', env, signal), io, interrupt.signal).then((r) =>
      finish(channel, r.code),
    );
  });
}

function plainIO(channel: ServerChannel): ShellIO {
  return { stdout: channel, stderr: channel.stderr, stdin: channel };
}

// With a pty, as with sshd, stdout and stderr share the terminal and newlines become CRLF.
function ptyIO(channel: ServerChannel): ShellIO {
  const out = ttyOutput(channel);
  return { stdout: out, stderr: out, stdin: channel, flush: () => flushed(out) };
}

function watch(channel: ServerChannel, lifetime: AbortController, host: ChannelHost): void {
  channel.on('data', () => host.touch());
  channel.on('close', () => lifetime.abort());
  channel.on('error', () => lifetime.abort());
}

function withNotifier(host: ChannelHost, channel: ServerChannel): void {
  const remove = host.addNotifier((message) => {
    if (channel.writable) channel.stderr.write(`\r\nkeyhole: ${message}\r\n`);
  });
  channel.once('close', remove);
}

// The exit status must go out before the channel is closed, or the client reports 255 (see NOTES.md).
function finish(channel: ServerChannel, code: number): void {
  if (!channel.writable) return;
  channel.exit(code);
  channel.end();
}
