// `keyhole`: the command-line program. The only place that parses process.argv or calls process.exit.
// Each command loads its module when it runs (`await import`): `keyhole --version` or `check-policy` in a script
// then pays for commander alone, not for ssh2, the server and the terminal UI (about 1.7 s cold before, on a slow disk).
import { Command, CommanderError } from 'commander';
import { parsePort } from './listen.ts';
import { fail } from './exit.ts';
import { VERSION } from '../version.ts';

const program = new Command('keyhole')
  .description('An SSH server with a restricted shell: only allow-listed commands run, audited.')
  .version(VERSION)
  .exitOverride()
  .showHelpAfterError();

// The options `exec` and `connect` share (ClientCliOptions); `noTarget` words -p and -l for one target or several.
function withClientOptions(command: Command, noTarget: string): Command {
  return command
    .option('-i, --identity <file>', 'private key file (its certificate FILE-cert.pub is used too if it exists)')
    .option('--certificate <file>', "the -i key's certificate instead of FILE-cert.pub (ssh's CertificateFile)")
    .option('-p, --port <port>', `port ${noTarget} (default 2222)`)
    .option('-l, --login <user>', `user ${noTarget} (default: your login name)`)
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--accept-new', 'record the host key of a host not yet known (never of one whose key changed)')
    .option('--password-env <var>', 'environment variable holding the password', 'KEYHOLE_PASSWORD');
}

program
  .command('serve')
  .description('start the server (with no --config: the embedded demo config on 127.0.0.1:2222)')
  .option('-c, --config <file>', 'YAML config file')
  .option('--listen <host:port>', "listen there instead of the config's listen: (e.g. 127.0.0.1:2022, [::1]:2022)")
  .option('-p, --port <port>', "listen on this port instead of the config's")
  .option('--log-level <level>', 'debug, info, warn or error (default: $KEYHOLE_LOG_LEVEL, else info)')
  .action(async (opts: { config?: string; listen?: string; port?: string; logLevel?: string }) => {
    const { listenOverride, logLevel, serveCommand } = await import('./serve.ts');
    await serveCommand(opts.config, listenOverride(opts), logLevel(opts.logLevel));
  });

program
  .command('init')
  .description('write a first config (keyhole.yaml), a host key and a key pair for a bot into DIR, then say what next')
  .argument('[dir]', 'where to write them', '.')
  .option('--no-prompt', "make up alice's password (printed once) instead of asking for it")
  .option('-p, --port <port>', 'the port the config listens on', '2222')
  .action(async (dir: string, opts: { prompt: boolean; port: string }) => {
    const port = parsePort(opts.port);
    if (!port.ok) fail(port.reason);
    const { initCommand } = await import('./init.ts');
    await initCommand(dir, { prompt: opts.prompt, port: port.value });
  });

program
  .command('hash-password')
  .description('read a password (hidden prompt, or one line from stdin) and print its scrypt hash for the config')
  .option('--allow-short', 'accept a password under 12 characters (tests, throwaway demos)')
  .action(async (opts: { allowShort?: boolean }) => {
    const { hashPasswordCommand } = await import('./hash-password.ts');
    await hashPasswordCommand({ allowShort: opts.allowShort === true });
  });

program
  .command('totp-enroll')
  .description('make a TOTP secret for USER in the totp.secrets file; print it, its otpauth:// URI and a QR code')
  .argument('<user>', 'the Keyhole user')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .option('--host <name>', "the host in the authenticator app's label USER@HOST (default: this machine's name)")
  .action(async (user: string, opts: { config: string; host?: string }) => {
    const { totpEnrollCommand } = await import('./totp-enroll.ts');
    totpEnrollCommand(opts.config, user, { host: opts.host });
  });

program
  .command('check-config')
  .description('validate a config file and summarise what it allows')
  .argument('<file>', 'YAML config file')
  .action(async (file: string) => {
    const { checkConfigCommand } = await import('./check.ts');
    await checkConfigCommand(file);
  });

program
  .command('check-policy')
  .description('say whether USER may run CMD, and why, without running anything')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .option('--argv', 'take the words after -- as the argv, not as a line the shell reads')
  .argument('<user>', 'the Keyhole user')
  .argument('<command...>', "the command line after --, read as the shell reads it (quote it: 'ls -l | sh')")
  .action(async (user: string, command: string[], opts: { config: string; argv?: boolean }) => {
    const { checkPolicyCommand } = await import('./check.ts');
    await checkPolicyCommand(opts.config, user, command, { argv: opts.argv === true });
  });

const exec = program
  .command('exec')
  .description(
    'run one command on one or more Keyhole servers (the automation protocol): keyhole exec USER@HOST[:PORT] -- CMD [ARGS...]',
  )
  .argument('[targets...]', 'USER@HOST[:PORT] ... (then --, then the command)');
withClientOptions(exec, 'for targets that do not name one')
  .option('--json', 'print one JSON result per host instead of the output')
  .option('--hosts <file>', 'run on every target listed in FILE (one per line)')
  .option('--concurrency <n>', 'hosts at once with --hosts or several targets', '8')
  .action(async (operands: string[], opts: import('./exec.ts').ExecOptions) => {
    // Commander merges the operands after `--` into the rest; the command is what follows the first `--`.
    const argv = process.argv.slice(process.argv.indexOf('exec') + 1);
    const split = argv.indexOf('--');
    if (split < 0) fail('put -- before the command: keyhole exec USER@HOST -- CMD [ARGS...]', 2);
    const command = argv.slice(split + 1);
    const { execCommand } = await import('./exec.ts');
    await execCommand(operands.slice(0, operands.length - command.length), command, opts);
  });

const connect = program
  .command('connect')
  .description('open the full-screen terminal client on a Keyhole server: keyhole connect USER@HOST[:PORT]')
  .argument('<target>', 'USER@HOST[:PORT]');
withClientOptions(connect, 'when the target does not name one').action(
  async (target: string, opts: import('./connect.ts').ConnectCliOptions) => {
    const { connectCommand } = await import('./connect.ts');
    await connectCommand(target, opts);
  },
);

program
  .command('completion')
  .description('print a shell completion script: keyhole completion bash > /etc/bash_completion.d/keyhole')
  .argument('<shell>', 'bash or zsh')
  .action(async (shell: string) => {
    // Generated from this program, so it never falls out of step with it.
    const { completionScript } = await import('./completion.ts');
    const script = completionScript(program, shell);
    if (script === null) fail(`no completion for shell '${shell}': use bash or zsh`, 2);
    process.stdout.write(script);
  });

// `keyhole check-config k.yaml | head` closes the pipe early: end quietly, as other Unix tools do, not with a trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`keyhole: cannot write the output: ${err.message}\n`);
  process.exit(1);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`keyhole: ${(err as Error).message}\n`);
  process.exit(1);
}
