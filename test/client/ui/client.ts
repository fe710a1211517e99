// Starts `keyhole connect` in a tmux terminal against a test server: a known_hosts file that trusts the server, a
// state dir of its own (history), and the user's key when it has one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '../../helpers/server.ts';
import { Terminal } from './tmux.ts';

// The client from the sources, through tsx: what is tested is src/ as it stands, whether or not dist/ (what
// bin/keyhole.js runs) has been built from it since.
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const KEYHOLE = [process.execPath, '--import', 'tsx', MAIN];

export interface Client {
  readonly term: Terminal;
  /** The XDG_STATE_HOME of the client (its history is under it). */
  readonly state: string;
}

/** A known_hosts file that trusts the test server's host key. */
export function trustServer(s: TestServer): string {
  const file = path.join(mkdtempSync(path.join(s.dir, 'kh-')), 'known_hosts');
  const pub = readFileSync(`${s.server.hostKeys[0]!.file}.pub`, 'utf8').split(' ');
  writeFileSync(file, `[127.0.0.1]:${s.port} ${pub[0]} ${pub[1]}\n`);
  return file;
}

/** Starts the client as `user` in a `width` x `height` terminal and waits until it is connected. */
export async function startClient(
  s: TestServer,
  user: 'deploy' | 'boss',
  [width, height]: readonly [number, number],
): Promise<Client> {
  const state = mkdtempSync(path.join(s.dir, 'state-'));
  const argv = [...KEYHOLE, 'connect', '-i', s.keys[user], '--known-hosts', trustServer(s)];
  const env = { XDG_STATE_HOME: state, SSH_AUTH_SOCK: '', LANG: 'C.UTF-8', NO_COLOR: '' };
  const term = await Terminal.start([...argv, `${user}@127.0.0.1:${s.port}`], env, width, height);
  await term.waitFor(/● connected/);
  return { term, state };
}

/** The screen's rows (tmux ends the capture with a newline). */
export function rows(screen: string): string[] {
  return screen.split('\n').slice(0, -1);
}
