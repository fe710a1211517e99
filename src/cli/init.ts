// `keyhole init [DIR]`: a first config that validates and runs: a commented keyhole.yaml, a host key, a key pair for
// a bot user and a password user, then the next steps. It never overwrites what is there.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../auth/password.ts';
import { loadConfigFile } from '../config/load.ts';
import { generateUsablePair, loadHostKeys } from '../server/host-keys.ts';
import { fail } from './exit.ts';
import { MIN_PASSWORD_CHARS } from './hash-password.ts';
import { promptHidden, readLine } from './prompt.ts';

export interface InitOptions {
  /** Make up the password user's password (printed once) instead of asking for it. */
  readonly prompt: boolean;
  readonly port: number;
}

/** Writes DIR/keyhole.yaml and DIR/keys/, checks that the config loads, and prints what to do next. */
export async function initCommand(dir: string, opts: InitOptions): Promise<void> {
  const root = path.resolve(dir);
  const configFile = path.join(root, 'keyhole.yaml');
  const keys = path.join(root, 'keys');
  for (const file of [configFile, path.join(keys, 'deploy')]) {
    if (existsSync(file)) fail(`${file} exists already; nothing was written (init never overwrites: remove it first)`);
  }
  const password = opts.prompt ? await askPassword() : randomBytes(15).toString('base64url');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  const [hostKey] = loadHostKeys([path.join(keys, 'ssh_host_ed25519_key')]);
  const pair = generateUsablePair('deploy (made by keyhole init)');
  writeFileSync(path.join(keys, 'deploy'), pair.private, { mode: 0o600 });
  chmodSync(path.join(keys, 'deploy'), 0o600);
  writeFileSync(path.join(keys, 'deploy.pub'), `${pair.public}\n`);
  writeFileSync(configFile, configText(await hashPassword(password), opts.port), { mode: 0o600 });
  const loaded = loadConfigFile(configFile);
  if (!loaded.ok) fail(`the config written has problems (a bug: please report it): ${loaded.errors.join('; ')}`);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`wrote ${configFile}, ${keys}/ (host key ${hostKey!.fingerprint}, and a key pair for deploy)`);
  if (!opts.prompt) out(`alice's password (shown once; set another with keyhole hash-password): ${password}`);
  out();
  out('Next:');
  out(`  keyhole check-config ${configFile}          # what each user may run`);
  out(`  keyhole serve --config ${configFile}`);
  out(`  ssh alice@127.0.0.1 -p ${opts.port}                     # the password above`);
  out(`  ssh -i ${path.join(keys, 'deploy')} -p ${opts.port} deploy@127.0.0.1 uptime`);
  out('Then edit the commands and roles, and send SIGHUP to reload.');
}

async function askPassword(): Promise<string> {
  let password: string | null;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password for alice: ');
    if (password !== (await promptHidden('Again: '))) fail('the two passwords differ; nothing was written');
  } else password = await readLine(process.stdin);
  if (!password || [...password].length < MIN_PASSWORD_CHARS) {
    fail(
      `alice's password needs at least ${MIN_PASSWORD_CHARS} characters (or --no-prompt to make one up); nothing was written`,
    );
  }
  return password;
}

function configText(hash: string, port: number): string {
  return `# Keyhole config written by \`keyhole init\`. Check it with \`keyhole check-config keyhole.yaml\`; the README's
# "Configuration" section describes every field. Relative paths are taken from this file's folder.

# Loopback only until you mean otherwise: set host to 0.0.0.0 (or an address) to accept others.
listen: { host: 127.0.0.1, port: ${port} }
hostKeys: [keys/ssh_host_ed25519_key] # made by init; keep it (clients remember it)
audit: { file: keyhole-audit.log } # one JSON line per login, command and admin action; SIGUSR1 reopens it
limits: { commandTimeout: 30s }
cwd: /tmp # where every command starts

users:
  # A person: a password (scrypt hash from \`keyhole hash-password\`, never the password itself).
  alice: { password: '${hash}', role: operator }
  # A script: keys in OpenSSH authorized_keys format (init made keys/deploy for it).
  deploy: { authorizedKeys: keys/deploy.pub, role: deploy }

roles:
  # help, whoami, exit and logout need no definition; every other name is a command below.
  operator: { commands: [echo, date, uptime, disk, whoami] }
  deploy: { commands: [uptime, disk] }

commands:
  echo: { program: echo, args: any } # a bare name is looked up on env.PATH once, at load
  date: { program: date, args: none }
  uptime: { program: uptime, args: none }
  disk: { program: df, fixedArgs: [-h], args: none } # \`disk\` runs \`df -h\`, nothing else
`;
}
