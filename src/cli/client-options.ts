// What `keyhole exec` and `keyhole connect` share: the OpenSSH-like options that say whom to log in as and how.
import os from 'node:os';
import { DEFAULT_PORT, type ConnectOptions } from '../client/transport.ts';

export interface ClientCliOptions {
  identity?: string;
  certificate?: string;
  port?: string;
  login?: string;
  knownHosts?: string;
  acceptNew?: boolean;
  passwordEnv: string;
}

/** The user and port a target without them gets: -l / -p, else the local user name and Keyhole's port. */
export function targetDefaults(opts: ClientCliOptions): { user: string; port: number } {
  return { user: opts.login ?? os.userInfo().username, port: opts.port ? Number(opts.port) : DEFAULT_PORT };
}

/**
 * Key (-i, then its certificate: --certificate or KEY-cert.pub), agent (SSH_AUTH_SOCK), then the password from the
 * environment variable or `ask`; and host-key checking.
 */
export function authOptions(
  opts: ClientCliOptions,
  ask: ConnectOptions['password'] | undefined,
): Omit<ConnectOptions, 'host' | 'port' | 'username'> {
  return {
    privateKeyPath: opts.identity,
    certificatePath: opts.certificate,
    agent: process.env.SSH_AUTH_SOCK ? true : undefined,
    password: process.env[opts.passwordEnv] ?? ask,
    knownHosts: opts.knownHosts,
    acceptNew: opts.acceptNew,
  };
}
