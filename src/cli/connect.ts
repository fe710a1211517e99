// `keyhole connect USER@HOST[:PORT]`: the full-screen terminal client. Authentication and host-key checking are those
// of `keyhole exec` (key, agent, password from the environment or a hidden prompt, known_hosts, --accept-new); the
// first connection is made before the screen opens, so its prompts and refusals read like ssh's.
import { runApp } from '../client/ui/app.ts';
import type { AskPassword } from '../client/ui/connection.ts';
import { themeFromEnv } from '../client/ui/format.ts';
import { historyFile } from '../client/ui/history-store.ts';
import { openLink, type Link } from '../client/ui/link.ts';
import { parseTarget } from '../client/targets.ts';
import { authOptions, targetDefaults, type ClientCliOptions } from './client-options.ts';
import { EXIT_USAGE, fail } from './exit.ts';
import { EXIT_CONNECTION } from './exec.ts';
import { promptHidden } from './prompt.ts';

export type ConnectCliOptions = ClientCliOptions;

/** Opens the terminal client on one server; exits 0 when the user quits, 255 when the first connection fails. */
export async function connectCommand(targetText: string, opts: ConnectCliOptions): Promise<never> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    fail('keyhole connect needs a terminal; from a script use: keyhole exec USER@HOST -- CMD', EXIT_USAGE);
  }
  const parsed = parseTarget(targetText, targetDefaults(opts));
  if (!parsed.ok) fail(parsed.reason, EXIT_USAGE);
  const { user, host, port } = parsed.target;
  // The same credentials each time; only the way a password is asked for changes once the screen is open.
  const open = (ask: AskPassword): Promise<Link> => openLink({ host, port, username: user, ...authOptions(opts, ask) });
  let link: Link;
  try {
    link = await open(() => promptHidden(`${user}@${host}'s password: `));
  } catch (err) {
    fail((err as Error).message, EXIT_CONNECTION);
  }
  await runApp({
    target: { user, host, port },
    theme: themeFromEnv(process.env),
    historyFile: historyFile({ user, host, port }),
    link,
    reopen: open,
  });
  process.exit(0);
}
