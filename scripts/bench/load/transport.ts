// Which client a figure uses, and what it negotiated with each server (kex and cipher), read from the clients
// themselves once per run: the report prints it on every row, so a figure is never read without its transport.
import { sshOk, type SshExtras } from './openssh.ts';
import type { KexChoice } from './kex.ts';
import { closeClient, connectClient, type Negotiated } from './ssh2.ts';
import type { Target } from '../targets/target.ts';

export type ClientProfile = 'openssh' | 'openssh-aes128-gcm' | 'openssh-default-kex' | 'ssh2';

export const CLIENT_PROFILES: readonly ClientProfile[] = [
  'openssh',
  'openssh-aes128-gcm',
  'openssh-default-kex',
  'ssh2',
];

/** How the OpenSSH client is run for each of its profiles. */
export const OPENSSH_RUNS: Record<Exclude<ClientProfile, 'ssh2'>, { kex: KexChoice; extras: SshExtras }> = {
  openssh: { kex: 'pinned', extras: {} },
  'openssh-aes128-gcm': { kex: 'pinned', extras: { cipher: 'aes128-gcm@openssh.com' } },
  'openssh-default-kex': { kex: 'default', extras: {} },
};

/** What `profile` negotiates with `target`, from one login (OpenSSH's DEBUG1 log, ssh2's handshake event). */
export async function probeTransport(target: Target, key: string, profile: ClientProfile): Promise<Negotiated> {
  if (profile === 'ssh2') {
    let negotiated: Negotiated | null = null;
    const client = await connectClient(target, key, (n) => (negotiated = n));
    await closeClient(client);
    if (!negotiated) throw new Error(`${target.name}: the ssh2 client saw no handshake`);
    return negotiated;
  }
  const { kex, extras } = OPENSSH_RUNS[profile];
  const r = await sshOk(target, key, kex, 'true', { ...extras, verbose: true });
  const found = (re: RegExp) => re.exec(r.stderr)?.[1] ?? '?';
  return { kex: found(/kex: algorithm: (\S+)/), cipher: found(/kex: client->server cipher: (\S+)/) };
}
