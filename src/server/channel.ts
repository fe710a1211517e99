// One SSH session channel: pty, window-change, env and signal requests, then exactly one door (doors.ts: shell, exec
// or our subsystem). Forwarding of agents and X11, sftp and other subsystems are refused and audited.
import type { ServerChannel, Session as SshSession } from 'ssh2';
import { envAccepted } from '../shell/env.ts';
import { PROTOCOL_NAME } from '../protocol/frames.ts';
import { shellContextFor, type ServerContext } from './context.ts';
import { DOORS, type ChannelState, type DoorName } from './doors.ts';
import type { Session } from './session.ts';
import { TRANSFER_DISABLED } from '../shell/policy.ts';

type AcceptSession = () => SshSession;

export interface ChannelHost {
  readonly session: Session;
  readonly server: ServerContext;
  /** False when the key used to log in carries `no-pty` or `restrict`. */
  readonly ptyAllowed: boolean;
  /** Records a refused request. */
  refused(request: string, detail?: string): void;
}

const MAX_ENV_VARS = 32;
/** Client signals that stop the running command, as Ctrl-C would. */
const STOP_SIGNALS = ['INT', 'TERM', 'KILL', 'HUP'];

/** Accepts a session channel and serves its requests until it closes. */
export function serveSessionChannel(accept: AcceptSession, host: ChannelHost): void {
  const ssh = accept();
  const lifetime = new AbortController();
  const state: ChannelState = { pty: null, interrupt: null, onResize: null };
  const env: Record<string, string> = {};
  let opened = false;

  ssh.on('pty', (ok, no, info) => {
    if (!host.ptyAllowed) return (host.refused('pty', 'no-pty key option'), no?.());
    state.pty = { cols: info.cols || 80 };
    ok?.();
  });
  ssh.on('window-change', (ok, _no, info) => {
    if (state.pty) state.pty.cols = info.cols || state.pty.cols;
    state.onResize?.(info.cols);
    ok?.();
  });
  ssh.on('env', (ok, no, info) => {
    const accepted = envAccepted(host.server.config().acceptEnv, info.key, info.val);
    if (accepted && Object.keys(env).length < MAX_ENV_VARS) return ((env[info.key] = info.val), ok?.());
    host.refused('env', info.key);
    no?.();
  });
  ssh.on('signal', (ok, _no, info) => {
    if (STOP_SIGNALS.includes(info.name)) state.interrupt?.abort();
    ok?.();
  });
  // sftp comes as a plain subsystem (no 'sftp' listener), so that it can be told why before it is closed.
  for (const request of ['x11', 'auth-agent'] as const) {
    ssh.on(request as 'x11', (_ok: unknown, no: (() => void) | undefined, info?: { name?: string }) => {
      host.refused(request, info?.name);
      no?.();
    });
  }

  // The one place a door opens: at most one per channel, then the door runs until its exit status is sent.
  const open = (asked: DoorName, ok: () => ServerChannel, no: (() => void) | undefined, requested = '') => {
    if (opened) return no?.();
    // A certificate's force-command or a key's command= confines the login to one line, which still goes through the
    // policy: whatever the client asked for (a shell, another command) runs that line, as with sshd. The protocol
    // subsystem would let it choose its own runs, so it is refused.
    const forced = host.session.forcedCommand;
    if (forced !== null && asked === 'subsystem')
      return (host.refused('subsystem', 'login is confined to a forced command'), no?.());
    const door: DoorName = forced === null ? asked : 'exec';
    const command = forced ?? requested;
    opened = true;
    const channel = ok();
    const shut = host.session.door();
    channel.on('data', () => host.session.touch());
    channel.on('close', () => (shut(), lifetime.abort()));
    channel.on('error', () => lifetime.abort());
    const signal = AbortSignal.any([host.session.signal, lifetime.signal]);
    const shell = shellContextFor(host.session, host.server, DOORS[door].via, env, signal);
    const stopNotices = host.session.listen((message) => {
      if (channel.writable) channel.stderr.write(`\r\nkeyhole: ${message}\r\n`);
    });
    channel.once('close', stopNotices);
    void DOORS[door].serve({ channel, shell, state }, command).then((code) => (finish(channel, code), shut()));
  };
  ssh.on('shell', (ok, no) => open('shell', ok, no));
  ssh.on('exec', (ok, no, info) => open('exec', ok, no, info.command));
  ssh.on('subsystem', (ok, no, info) => {
    if (info.name === 'sftp' && !opened) return refuseTransfer(host, ok);
    if (info.name !== PROTOCOL_NAME || opened) return (host.refused('subsystem', info.name), no?.());
    open('subsystem', ok, no);
  });
}

// sftp (and scp, which uses it) is accepted only to say on stderr why there is no file transfer here, then ends with
// status 1: refused outright, the client says only "subsystem request failed". Audited as a refusal all the same.
function refuseTransfer(host: ChannelHost, ok: (() => ServerChannel) | undefined): void {
  host.refused('sftp');
  const channel = ok?.();
  if (!channel) return;
  channel.stderr.write(`keyhole: ${TRANSFER_DISABLED}\n`);
  finish(channel, 1);
}

// The exit status must go out before the channel is closed, or the client reports 255 (see NOTES.md).
function finish(channel: ServerChannel, code: number): void {
  if (!channel.writable) return;
  channel.exit(code);
  channel.end();
}
