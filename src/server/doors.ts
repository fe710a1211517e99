// The doors into the shell, one per kind of channel request: an interactive shell (with a pty or plain), one exec'd
// line, or the keyhole-v1 subsystem. A door runs until its work is done and resolves with the exit status.
import type { ServerChannel } from 'ssh2';
import type { Via } from '../audit/events.ts';
import { serveProtocol } from '../protocol/serve.ts';
import type { ShellContext, ShellIO } from '../shell/context.ts';
import { evaluate } from '../shell/evaluate.ts';
import { startInteractiveShell } from '../shell/interactive.ts';
import { runPlainShell } from '../shell/plain.ts';
import { readSecret as readSecretFrom } from '../shell/secret.ts';
import { flushed, ttyOutput } from '../shell/tty-output.ts';
import { VERSION } from '../version.ts';

/** What the channel's requests before the door set up, and what the door leaves for the requests after it. */
export interface ChannelState {
  pty: { cols: number } | null;
  /** Aborted by a client `signal` request (or Ctrl-C on an exec pty): stops the running command. */
  interrupt: AbortController | null;
  /** Set by a door that follows window-change. */
  onResize: ((cols: number) => void) | null;
}

/** What a door gets: the channel itself, the shell's view of the session, and the channel's state. */
export interface OpenDoor {
  readonly channel: ServerChannel;
  readonly shell: ShellContext;
  readonly state: ChannelState;
}

interface Door {
  readonly via: Via;
  serve(door: OpenDoor, command: string): Promise<number>;
}

export type DoorName = 'shell' | 'exec' | 'subsystem';

export const DOORS: Readonly<Record<DoorName, Door>> = {
  shell: {
    via: 'shell',
    serve: (door) => {
      const { pty } = door.state;
      if (!pty) return runPlainShell(door.shell, door.channel, plainIO(door.channel));
      const term = startInteractiveShell(door.shell, { channel: door.channel, columns: pty.cols });
      door.state.onResize = term.resize;
      return term.done;
    },
  },
  exec: {
    via: 'exec',
    serve: async (door, command) => {
      const { channel } = door;
      const { pty } = door.state;
      const interrupt = (door.state.interrupt = new AbortController());
      if (pty) channel.on('data', (d: Buffer) => d.includes(0x03) && interrupt.abort());
      else channel.resume(); // input nobody reads must still be consumed, or the channel never closes
      const io = pty ? ptyIO(channel) : plainIO(channel);
      return (await evaluate(command, door.shell, io, interrupt.signal)).code;
    },
  },
  subsystem: {
    via: 'protocol',
    serve: (door) => {
      const maxRuns = door.shell.config().limits.maxRunsPerSession;
      return serveProtocol(door.shell, door.channel, { serverVersion: `keyhole/${VERSION}`, maxRuns });
    },
  },
};

function plainIO(channel: ServerChannel): ShellIO {
  return { stdout: channel, stderr: channel.stderr, stdin: channel };
}

// With a pty, as with sshd, stdout and stderr share the terminal and newlines become CRLF. A person is at it
// (`ssh -t host shutdown`), so a builtin may ask them (shutdown's confirmation), from the keys typed on the channel.
function ptyIO(channel: ServerChannel): ShellIO {
  const out = ttyOutput(channel);
  const readSecret = (prompt: string) =>
    readSecretFrom(
      (text) => channel.write(text),
      prompt,
      (feed) => {
        channel.on('data', feed);
        return () => channel.removeListener('data', feed);
      },
    );
  return { stdout: out, stderr: out, stdin: channel, flush: () => flushed(out), readSecret };
}
